// Every page of the login, in English and in Chinese, reached through a
// real browser (chromium, puppeteer-core) as a person reaches it, on an
// account with its own colours. Each page must speak the browser's
// language (its <html lang>, its title from that language's catalog), name
// the account, and wear the account's colours, with button text that stays
// legible on them. With IAM_SCREENSHOTS set, each page is saved there as
// <page>-<locale>.png: this is how docs/screenshots/ is made.
//
// Each language has its own iamd, so that the failed sign-ins of one do
// not throttle the other's (the source address is the same).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { authenticator } from 'otplib';
import { launchChromium, snap } from './chromium.mjs';
import { startIamd, grpcCaller } from './harness.mjs';
import { startApp, registerApp, closeApps } from './relying_party.mjs';

const PASSWORD = 'Correct-Horse-Battery-9';
const BRAND = { primary_color: '#0f766e', background_color: '#ecfdf5' };
const catalog = (locale) => JSON.parse(readFileSync(
  new URL(`../../iam/web/messages/${locale}.json`, import.meta.url), 'utf8'));
const LOCALES = [
  { tag: 'en', accept: 'en-US,en;q=0.9', display: 'Acme Travel', messages: catalog('en') },
  { tag: 'zh-CN', accept: 'zh-CN,zh;q=0.9', display: '示例旅行', messages: catalog('zh-CN') },
];
const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

const cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  closeApps();
});

// One language's tour: its iamd, its browser, and what every step needs.
async function tour(locale) {
  const iam = await startIamd(`iam-pages-${locale.tag}-`, ['--challenge-pow-bits', '10']);
  cleanups.push(() => iam.stop());
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  const grpcCall = grpcCaller(iam.address);
  const call = (method, req, key) => grpcCall('admin', method, req, key);
  const suffix = locale.tag.toLowerCase();

  // An account with the tour's colours, users with a permanent password
  // and a first-party app.
  const account = async (name, users) => {
    const a = await call('CreateAccount', { name: `${name}-${suffix}`,
      display_name: locale.display, admin_username: 'admin' }, iam.root);
    const acct = { id: a.account.id, key: a.admin_access_key_token };
    acct.policy = async (kind, change) => {
      const doc = JSON.parse((await call('GetAccountPolicy', { kind }, acct.key)).document);
      change(doc);
      await call('SetAccountPolicy', { kind, document: JSON.stringify(doc) }, acct.key);
    };
    await acct.policy('branding', (d) => Object.assign(d, BRAND));
    for (const username of users) {
      await call('CreateUser', { username }, acct.key);
      await call('SetUserPassword', { username, password: PASSWORD, permanent: true }, acct.key);
    }
    acct.issuer = `${iam.http}/accounts/${acct.id}`;
    acct.app = await registerApp(await startApp(`${name}-app`),
      { call, key: acct.key, issuer: acct.issuer });
    return acct;
  };

  const newPage = async () => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setExtraHTTPHeaders({ 'accept-language': locale.accept });
    return { context, page };
  };

  // The page shown is the step `titleKey` names, in this language, with
  // the account's name and colours; then its screenshot.
  const shows = async (page, titleKey, shot) => {
    const seen = await page.evaluate(() => {
      const button = document.querySelector('button[type=submit], a.button');
      const style = button && getComputedStyle(button);
      return { lang: document.documentElement.lang,
        h1: document.querySelector('h1')?.textContent.trim(),
        brand: document.querySelector('.brand')?.textContent.trim(),
        background: getComputedStyle(document.body).backgroundColor,
        button: style && { background: style.backgroundColor, color: style.color } };
    });
    assert.equal(seen.lang, locale.tag, `${shot}: the page's language`);
    assert.equal(seen.h1, locale.messages[titleKey], `${shot}: the title`);
    assert.equal(seen.brand, locale.display, `${shot}: the account's name`);
    assert.equal(seen.background, rgb(BRAND.background_color), `${shot}: the background`);
    if (seen.button) {
      assert.deepEqual(seen.button, { background: rgb(BRAND.primary_color), color: rgb('#ffffff') },
        `${shot}: the button's colours`);
    }
    await snap(page, `${shot}-${locale.tag}`, true);
  };

  const submit = (page, selector = 'button[type=submit]') =>
    Promise.all([page.waitForNavigation(), page.click(selector)]);
  const typeInto = async (page, name, value) => {
    await page.$eval(`input[name=${name}]`, (e) => { e.value = ''; });
    await page.type(`input[name=${name}]`, value);
  };
  const signIn = async (page, username, password) => {
    await page.waitForSelector('input[name=password]');
    await typeInto(page, 'username', username);
    await typeInto(page, 'password', password);
    await submit(page);
  };
  const text = (page, sel) => page.$eval(sel, (e) => e.textContent);
  const who = (page) => text(page, '#who');
  return { iam, call, account, newPage, shows, submit, typeInto, signIn, text, who };
}

for (const locale of LOCALES) {
  test(`every page in ${locale.tag}`, async () => {
    const t = await tour(locale);
    const { shows, submit, typeInto, signIn, text, who } = t;

    // Sign-in, a wrong password, the challenge, a lock.
    const acme = await t.account('acme', ['ann', 'dan']);
    await acme.policy('lockout', (d) => {
      d.max_failures = 3; d.challenge_after_failures = 2; d.quick_login_check_ms = 0;
    });
    let { context, page } = await t.newPage();
    await page.goto(`${acme.app.origin}/login`);
    await shows(page, 'login_title', 'login');
    await signIn(page, 'ann', 'not-the-password-1');
    assert.ok(await page.$('.notice.error'));
    await shows(page, 'login_title', 'login-failed');
    await signIn(page, 'ann', 'not-the-password-2');
    await signIn(page, 'ann', PASSWORD);
    await page.waitForFunction(() => !document.getElementById('sign-in').disabled,
      { timeout: 20000 });
    await shows(page, 'login_title', 'challenge');
    await typeInto(page, 'password', PASSWORD);
    await submit(page);
    assert.equal(await who(page), 'ann');

    // A third-party app asks for consent; the browser is signed in already.
    const partner = await registerApp(await startApp('partner'),
      { call: t.call, key: acme.key, issuer: acme.issuer },
      { first_party: false, client_name: 'Partner Hotels', scope: 'openid profile email' });
    await page.goto(`${partner.origin}/login`);
    await shows(page, 'consent_title', 'consent');
    await submit(page, 'button[value=allow]');
    assert.equal(await who(page), 'ann');

    // The account page, the sign-out question, signed out.
    await page.goto(`${acme.issuer}/account`);
    await shows(page, 'account_title', 'account');
    await page.goto(`${acme.issuer}/oauth2/logout`);
    await shows(page, 'logout_title', 'logout');
    await submit(page);
    await shows(page, 'signed_out_title', 'signed-out');
    // A request the service refuses to send anywhere.
    await page.goto(`${acme.issuer}/oauth2/authorize?response_type=code&client_id=acme-app` +
      '&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&scope=openid');
    await shows(page, 'error_title', 'error');
    await context.close();

    // The next sign-in tells of the previous one.
    ({ context, page } = await t.newPage());
    await page.goto(`${acme.app.origin}/login`);
    await signIn(page, 'ann', PASSWORD);
    assert.ok(await page.$('#previous-login'));
    await shows(page, 'signed_in_title', 'signed-in');
    await submit(page, '#continue');
    assert.equal(await who(page), 'ann');
    await context.close();

    // Locked: no challenge now, three failures, then the right password.
    await acme.policy('lockout', (d) => { d.challenge_after_failures = 0; });
    ({ context, page } = await t.newPage());
    await page.goto(`${acme.app.origin}/login`);
    for (const pw of ['wrong-1', 'wrong-2', 'wrong-3', PASSWORD]) await signIn(page, 'dan', pw);
    assert.equal(await text(page, '.notice.error'), locale.messages.locked);
    await shows(page, 'login_title', 'locked');
    await context.close();

    // A password that must change: the rules, a refusal, the change.
    const initech = await t.account('initech', ['ben']);
    await initech.policy('password', (d) => { d.min_length = 12; d.require_digit = true; });
    await t.call('SetUserPassword', { username: 'ben', password: 'Temporary-Pass-1',
      permanent: false }, initech.key);
    ({ context, page } = await t.newPage());
    await page.goto(`${initech.app.origin}/login`);
    await signIn(page, 'ben', 'Temporary-Pass-1');
    await shows(page, 'password_change_title', 'password-change');
    await typeInto(page, 'password', 'Temporary-Pass-1');
    await typeInto(page, 'new_password', 'short1');
    await typeInto(page, 'new_password_again', 'short1');
    await submit(page);
    assert.ok(await page.$('.notice.error'));
    await shows(page, 'password_change_title', 'password-refused');
    await typeInto(page, 'password', 'Temporary-Pass-1');
    await typeInto(page, 'new_password', 'Brand-New-Secret-42');
    await typeInto(page, 'new_password_again', 'Brand-New-Secret-42');
    await submit(page);
    assert.equal(await who(page), 'ben');
    await context.close();

    // A second factor the account requires: enrolment, the recovery codes,
    // then the code step in another browser.
    const hooli = await t.account('hooli', ['erin']);
    await hooli.policy('mfa', (d) => { d.mode = 'required'; });
    ({ context, page } = await t.newPage());
    await page.goto(`${hooli.app.origin}/login`);
    await signIn(page, 'erin', PASSWORD);
    await shows(page, 'enroll_title', 'enroll');
    const secret = (await text(page, '#secret')).trim();
    await typeInto(page, 'code', authenticator.generate(secret));
    await submit(page);
    assert.ok(await page.$('#recovery-codes'));
    await shows(page, 'signed_in_title', 'recovery-codes');
    await submit(page, '#continue');
    assert.equal(await who(page), 'erin');
    await context.close();
    ({ context, page } = await t.newPage());
    await page.goto(`${hooli.app.origin}/login`);
    await signIn(page, 'erin', PASSWORD);
    await shows(page, 'mfa_title', 'mfa');
    await context.close();

    // The session limit: refused, then the oldest session signed out.
    const umbrella = await t.account('umbrella', ['ivy']);
    await umbrella.policy('session', (d) => { d.web.max_sessions = 1; d.on_limit = 'refuse'; });
    const first = await t.newPage();
    await first.page.goto(`${umbrella.app.origin}/login`);
    await signIn(first.page, 'ivy', PASSWORD);
    assert.equal(await who(first.page), 'ivy');
    ({ context, page } = await t.newPage());
    await page.goto(`${umbrella.app.origin}/login`);
    await signIn(page, 'ivy', PASSWORD);
    assert.ok(await page.$('.notice.error'));
    await shows(page, 'login_title', 'session-limit');
    await umbrella.policy('session', (d) => { d.on_limit = 'evict_oldest'; });
    await signIn(page, 'ivy', PASSWORD);
    assert.ok(await page.$('.notice.info'));
    await shows(page, 'signed_in_title', 'session-evicted');
    await first.context.close();
    await context.close();

    // A device that waits for an administrator.
    const globex = await t.account('globex', ['jack']);
    await globex.policy('mfa', (d) => { d.device_binding = true; });
    ({ context, page } = await t.newPage());
    await page.goto(`${globex.app.origin}/login`);
    await signIn(page, 'jack', PASSWORD);
    await shows(page, 'device_pending_title', 'device-pending');
    await context.close();

    // The device grant: the code typed in, the question, the answer.
    await t.call('CreateClient', { client_id: 'tv', metadata: JSON.stringify({
      grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
      token_endpoint_auth_method: 'none', scope: 'openid profile', first_party: true,
      client_name: 'Living-room TV' }) }, acme.key);
    const started = await fetch(`${acme.issuer}/oauth2/device_authorization`, { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'tv', scope: 'openid profile' }) })
      .then((r) => r.json());
    ({ context, page } = await t.newPage());
    await page.goto(started.verification_uri);
    await shows(page, 'device_title', 'device-code');
    await typeInto(page, 'user_code', started.user_code);
    await submit(page);
    await signIn(page, 'ann', PASSWORD);
    if (await page.$('#continue')) await submit(page, '#continue');
    await shows(page, 'device_confirm_title', 'device-confirm');
    await submit(page, 'button[value=allow]');
    assert.ok(await page.$('#device-result'));
    await shows(page, 'device_done_title', 'device-allowed');
    await context.close();
  });
}
