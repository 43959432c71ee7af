// Every step of the login engine, driven through a real browser
// (chromium, puppeteer-core) against the pages, with `openid-client`
// relying parties: enrolment at login (the key read off the page, codes
// from otplib), the recovery codes shown once, a TOTP step with "remember
// this device" (the next login skips it), a wrong code; iamctl logged in
// through the browser (the device grant), allowed and refused; a password that
// must change (the policy's rules listed, a refused choice, then a good
// one), in Chinese; the proof-of-work challenge solved by the page's own
// script; a lock; the session limit refusing and then signing the oldest
// session out; a device waiting for an administrator's approval. (The
// screenshots of these pages are browser_pages.test.mjs's.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { authenticator } from 'otplib';
import { launchChromium } from './chromium.mjs';
import { startIamd, grpcCaller } from './harness.mjs';
import { startApp, registerApp, closeApps } from './relying_party.mjs';

const PASSWORD = 'Correct-Horse-Battery-9';
let iam;
let browser;
let call;

before(async () => {
  // A cheap proof of work: the page's script solves it in a blink.
  iam = await startIamd('iam-steps-', ['--challenge-pow-bits', '10']);
  const grpcCall = grpcCaller(iam.address);
  call = (method, req, key) => grpcCall('admin', method, req, key);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  closeApps();
  await iam?.stop();
});



// An account with users (password set, permanent) and one app.
async function account(name, users) {
  const a = await call('CreateAccount', { name, admin_username: 'admin' }, iam.root);
  const acct = { id: a.account.id, key: a.admin_access_key_token };
  for (const username of users) {
    await call('CreateUser', { username }, acct.key);
    await call('SetUserPassword', { username, password: PASSWORD, permanent: true }, acct.key);
  }
  acct.app = await registerApp(await startApp(`${name}-app`),
    { call, key: acct.key, issuer: `${iam.http}/accounts/${acct.id}` });
  // Changes some fields of a policy: every field is stated on the way back.
  acct.policy = async (kind, change) => {
    const doc = JSON.parse((await call('GetAccountPolicy', { kind }, acct.key)).document);
    change(doc);
    await call('SetAccountPolicy', { kind, document: JSON.stringify(doc) }, acct.key);
  };
  return acct;
}

async function newPage(locale = 'en-US') {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setExtraHTTPHeaders({ 'accept-language': locale });
  return { context, page };
}

async function submit(page, selector = 'button[type=submit]') {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

async function typeInto(page, name, text) {
  await page.$eval(`input[name=${name}]`, (e) => { e.value = ''; });
  await page.type(`input[name=${name}]`, text);
}

async function password(page, username, pw) {
  await page.waitForSelector('input[name=password]');
  await typeInto(page, 'username', username);
  await typeInto(page, 'password', pw);
  await submit(page);
}

const pathOf = (page) => new URL(page.url()).pathname;
const text = (page, sel) => page.$eval(sel, (e) => e.textContent);
// A code for the step after the current one (the current one may have
// been used already, and a code passes once).
const nextCode = (secret) => authenticator.clone({ epoch: Date.now() + 30000 }).generate(secret);

test('enrolment at login, recovery codes, TOTP with remember-this-device', async () => {
  const acme = await account('acme', ['erin']);
  await acme.policy('mfa', (d) => { d.mode = 'required'; });
  const { context, page } = await newPage();
  await page.goto(`${acme.app.origin}/login`);
  await password(page, 'erin', PASSWORD);
  // No factor yet, and the account requires one: enrolment, QR and key.
  assert.equal(pathOf(page), `/accounts/${acme.id}/enroll`);
  const secret = (await text(page, '#secret')).trim();
  assert.match(secret, /^[A-Z2-7]{16,}$/);
  assert.match(await page.$eval('#qr', (e) => e.src), /^data:image\/svg\+xml;base64,/);
  assert.equal(await page.$eval('input[name=code]', (e) => e.autocomplete), 'one-time-code');
  // A wrong code: the same key is shown again.
  await typeInto(page, 'code', '000000');
  await submit(page);
  assert.match(await text(page, '.notice.error'), /not correct/);
  assert.equal((await text(page, '#secret')).trim(), secret);
  await typeInto(page, 'code', authenticator.generate(secret));
  await submit(page);
  // The recovery codes, once, then on to the app with a second factor.
  const codes = await page.$$eval('#recovery-codes code', (l) => l.map((e) => e.textContent));
  assert.equal(codes.length, 10);
  await submit(page, '#continue');
  assert.equal(await text(page, '#who'), 'erin');
  assert.match(await text(page, '#amr'), /otp/);
  assert.equal(await text(page, '#acr'), 'urn:iam:acr:mfa');
  await context.close();

  // Another browser: the code step; a wrong code, then the right one with
  // "remember this device".
  const second = await newPage();
  await second.page.goto(`${acme.app.origin}/login`);
  await password(second.page, 'erin', PASSWORD);
  assert.equal(pathOf(second.page), `/accounts/${acme.id}/mfa`);
  await typeInto(second.page, 'code', '123456');
  await submit(second.page);
  assert.match(await text(second.page, '.notice.error'), /not correct/);
  await typeInto(second.page, 'code', nextCode(secret));
  await second.page.click('input[name=remember_device]');
  await submit(second.page);
  // The previous login, said plainly, then the app.
  assert.match(await text(second.page, '#previous-login'), /previous sign-in: .* UTC from 127\.0\.0\.1/);
  await submit(second.page, '#continue');
  assert.equal(await text(second.page, '#who'), 'erin');
  const cookies = await second.context.cookies(iam.http);
  const device = cookies.find((c) => c.name === 'iam_device');
  assert.ok(device?.httpOnly, 'the device token is an HttpOnly cookie');
  // The next login from this browser skips the code.
  await second.page.goto(`${acme.app.origin}/login?prompt=login`);
  await password(second.page, 'erin', PASSWORD);
  await submit(second.page, '#continue');
  assert.equal(await text(second.page, '#who'), 'erin');
  await second.context.close();

  // A recovery code instead of the app's code, in a third browser.
  const third = await newPage();
  await third.page.goto(`${acme.app.origin}/login`);
  await password(third.page, 'erin', PASSWORD);
  await third.page.click('summary');
  await typeInto(third.page, 'recovery_code', codes[0]);
  await submit(third.page);
  await submit(third.page, '#continue');
  assert.match(await text(third.page, '#amr'), /recovery|mfa/);
  await third.context.close();
});

test('a password that must change, in Chinese: the rules, a refusal, the change', async () => {
  const acme = await account('initech', ['frank']);
  await acme.policy('password', (d) => { d.min_length = 12; d.require_digit = true; });
  await call('SetUserPassword', { username: 'frank', password: 'Temporary-Pass-1', permanent: false },
    acme.key);
  const { context, page } = await newPage('zh-CN,zh;q=0.9');
  await page.goto(`${acme.app.origin}/login`);
  await password(page, 'frank', 'Temporary-Pass-1');
  assert.match(await text(page, 'h1'), /设置新密码/);
  const rules = await page.$$eval('ul.rules li', (l) => l.map((e) => e.textContent));
  assert.ok(rules.some((r) => r.includes('12')), rules.join('|'));
  assert.ok(rules.some((r) => r.includes('数字')), rules.join('|'));
  assert.equal(await page.$eval('input[name=new_password]', (e) => e.autocomplete), 'new-password');
  // Two entries that differ, then one the policy refuses.
  await typeInto(page, 'password', 'Temporary-Pass-1');
  await typeInto(page, 'new_password', 'Brand-New-Secret-42');
  await typeInto(page, 'new_password_again', 'Brand-New-Secret-43');
  await submit(page);
  assert.match(await text(page, '.notice.error'), /不一致/);
  await typeInto(page, 'password', 'Temporary-Pass-1');
  await typeInto(page, 'new_password', 'short1');
  await typeInto(page, 'new_password_again', 'short1');
  await submit(page);
  assert.match(await text(page, '.notice.error'), /不符合/);
  await typeInto(page, 'password', 'Temporary-Pass-1');
  await typeInto(page, 'new_password', 'Brand-New-Secret-42');
  await typeInto(page, 'new_password_again', 'Brand-New-Secret-42');
  await submit(page);
  assert.equal(await text(page, '#who'), 'frank');
  await context.close();
  // The new password is the one now.
  const again = await newPage('zh-CN');
  await again.page.goto(`${acme.app.origin}/login?prompt=login`);
  await password(again.page, 'frank', 'Brand-New-Secret-42');
  await submit(again.page, '#continue');
  assert.equal(await text(again.page, '#who'), 'frank');
  await again.context.close();
});

test('the challenge is solved by the page; a lock says so', async () => {
  const acme = await account('hooli', ['gina', 'hank']);
  await acme.policy('lockout', (d) => {
    d.max_failures = 4; d.challenge_after_failures = 2; d.quick_login_check_ms = 0;
  });
  const { context, page } = await newPage();
  await page.goto(`${acme.app.origin}/login`);
  await password(page, 'gina', 'wrong-1');
  await password(page, 'gina', 'wrong-2');
  // The next try is asked for the check first; the page's script does it.
  await password(page, 'gina', PASSWORD);
  assert.match(await text(page, '.notice.error'), /short check/);
  await page.waitForFunction(() => !document.getElementById('sign-in').disabled, { timeout: 20000 });
  assert.match(await page.$eval('#challenge-proof', (e) => e.value), /^pow1\.10\./);
  await typeInto(page, 'password', PASSWORD);
  await submit(page);
  assert.equal(await text(page, '#who'), 'gina');
  await context.close();

  // Without JavaScript the page says why it cannot go on.
  const nojs = await newPage();
  await nojs.page.setJavaScriptEnabled(false);
  await nojs.page.goto(`${acme.app.origin}/login`);
  for (const pw of ['x-1', 'x-2', 'x-3']) await password(nojs.page, 'hank', pw);
  assert.match(await nojs.page.content(), /needs JavaScript/);
  await nojs.context.close();

  // Locked: the same words whoever asks, and no password is checked.
  await acme.policy('lockout', (d) => { d.challenge_after_failures = 0; });
  const locked = await newPage();
  await locked.page.goto(`${acme.app.origin}/login`);
  for (const pw of ['y-1', 'y-2', 'y-3', 'y-4']) await password(locked.page, 'hank', pw);
  await password(locked.page, 'hank', PASSWORD);
  assert.match(await text(locked.page, '.notice.error'), /Too many failed attempts/);
  await locked.context.close();
});

test('the session limit: refused, then the oldest session signed out', async () => {
  const acme = await account('umbrella', ['ivy']);
  await acme.policy('session', (d) => { d.web.max_sessions = 1; d.on_limit = 'refuse'; });
  const first = await newPage();
  await first.page.goto(`${acme.app.origin}/login`);
  await password(first.page, 'ivy', PASSWORD);
  assert.equal(await text(first.page, '#who'), 'ivy');
  const second = await newPage();
  await second.page.goto(`${acme.app.origin}/login`);
  await password(second.page, 'ivy', PASSWORD);
  assert.match(await text(second.page, '.notice.error'), /too many devices/);

  await acme.policy('session', (d) => { d.on_limit = 'evict_oldest'; });
  await password(second.page, 'ivy', PASSWORD);
  assert.match(await text(second.page, '.notice.info'), /oldest session .* was signed out/);
  await submit(second.page, '#continue');
  assert.equal(await text(second.page, '#who'), 'ivy');
  // The first browser's session is gone: its next sign-in asks again.
  await first.page.goto(`${acme.app.origin}/login`);
  assert.equal(pathOf(first.page), `/accounts/${acme.id}/login`);
  await first.context.close();
  await second.context.close();
});

test('a device waits for an administrator, then signs in', async () => {
  const acme = await account('globex', ['jack']);
  await acme.policy('mfa', (d) => { d.device_binding = true; });
  const { context, page } = await newPage();
  await page.goto(`${acme.app.origin}/login`);
  await password(page, 'jack', PASSWORD);
  const deviceId = (await text(page, '#device-id')).trim();
  assert.match(deviceId, /^browser-[0-9a-f]{24}$/);
  // Listed as pending for the administrator, who approves it.
  const listed = await grpcCaller(iam.address)('auth', 'ListDevices', { username: 'jack' }, acme.key);
  assert.ok(listed.devices.some((d) => d.device_id === deviceId && d.state === 'pending'));
  await call('ApproveDevice', { username: 'jack', device_id: deviceId }, acme.key);
  await page.click('a.button');
  await page.waitForSelector('input[name=password]');
  await password(page, 'jack', PASSWORD);
  assert.equal(await text(page, '#who'), 'jack');
  await context.close();
});

// iamctl login --web: started here as a user would, its page opened in the
// browser, where the user signs in (with the second factor the account
// requires) and allows it; or refuses it.
function iamctl(args, configDir) {
  const proc = spawn(process.env.IAMCTL, ['--address', iam.address, ...args],
    { env: { ...process.env, IAMCTL_CONFIG: path.join(configDir, 'config') } });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  const done = new Promise((resolve) => proc.on('exit', (code) => resolve({ code, out, err })));
  const url = new Promise((resolve, reject) => {
    const look = () => {
      // The whole notice, not just its first chunk: the code follows the address.
      const m = /(http\S+\/device\?user_code=\S+)[\s\S]*Waiting for the browser/.exec(err);
      if (m) resolve(m[1]);
    };
    proc.stderr.on('data', look);
    proc.on('exit', () => reject(new Error(`iamctl ended: ${err}`)));
  });
  url.catch(() => {});  // not every command shows a page
  return { url, done, err: () => err };
}

test('iamctl logs in through the browser: the device grant, allowed and refused', async () => {
  const acme = await account('wayne', ['kate']);
  await acme.policy('mfa', (d) => { d.mode = 'required'; });
  const configDir = mkdtempSync(path.join(tmpdir(), 'iamctl-web-'));
  try {
    // A password login from the command line cannot enrol the factor the
    // account requires without a terminal; the browser can.
    const cli = iamctl(['login', '--account', 'wayne', '--web'], configDir);
    const url = await cli.url;
    assert.match(cli.err(), /enter the code [B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4}/);
    const { context, page } = await newPage();
    await page.goto(url);
    assert.match(await page.$eval('input[name=user_code]', (e) => e.value), /^[A-Z]{4}-[A-Z]{4}$/);
    await submit(page);
    await password(page, 'kate', PASSWORD);
    const secret = (await text(page, '#secret')).trim();
    await typeInto(page, 'code', authenticator.generate(secret));
    await submit(page);
    await submit(page, '#continue');
    // The confirmation: the code again and where the device is.
    assert.equal(pathOf(page), `/accounts/${acme.id}/device/confirm`);
    assert.match(await page.content(), /127\.0\.0\.1/);
    await submit(page, 'button[value=allow]');
    assert.match(await text(page, '#device-result'), /device is signed in/);
    const result = await cli.done;
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /logged in through the browser/);
    // The command line's own session, with the browser's second factor.
    const sessions = iamctl(['session', 'list', '--output', 'json'], configDir);
    const listed = await sessions.done;
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, /"client_type": *"api"/);

    // Refused in the browser: iamctl says so and fails.
    const refused = iamctl(['login', '--account', acme.id, '--web'], configDir);
    await page.goto(await refused.url);
    await submit(page);
    // Signed in already in this browser: straight to the question.
    assert.equal(pathOf(page), `/accounts/${acme.id}/device/confirm`);
    await submit(page, 'button[value=deny]');
    assert.match(await text(page, '#device-result'), /refused/);
    const no = await refused.done;
    assert.notEqual(no.code, 0);
    assert.match(no.err, /refused in the browser/);
    // A code that was decided cannot be used again; a made-up one is unknown.
    await page.goto(`${iam.http}/accounts/${acme.id}/device`);
    await typeInto(page, 'user_code', 'BCDF-GHJK');
    await submit(page);
    assert.match(await text(page, '.notice.error'), /not known/);
    await context.close();
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
});

test('the account page: sessions, devices, the authenticator, the password, recent sign-ins', async () => {
  const acme = await account('stark', ['lena']);
  const page0 = `${iam.http}/accounts/${acme.id}/account`;
  const { context, page } = await newPage();
  await page.goto(page0);
  // Not signed in: the login pages first, then back here.
  assert.equal(pathOf(page), `/accounts/${acme.id}/login`);
  assert.match(await page.content(), /Your account/);
  await password(page, 'lena', PASSWORD);
  assert.equal(pathOf(page), `/accounts/${acme.id}/account`);
  assert.match(await text(page, '#who'), /lena/);
  assert.match(await text(page, '#sessions'), /this browser/);
  assert.match(await text(page, '#logins'), /signed in/);
  assert.match(await text(page, '#mfa-status'), /Not set up/);

  // The authenticator: set up, then new recovery codes with a code.
  await submit(page, 'button[value=begin_totp]');
  const secret = (await text(page, '#secret')).trim();
  await typeInto(page, 'code', authenticator.generate(secret));
  await submit(page);
  assert.equal((await page.$$('#recovery-codes code')).length, 10);
  await submit(page, '#continue');
  assert.match(await text(page, '#mfa-status'), /10 recovery codes left/);
  await typeInto(page, 'code', '000000');
  await submit(page, 'button[value=new_recovery_codes]');
  assert.match(await text(page, '.notice.error'), /did not work/);
  await typeInto(page, 'code', nextCode(secret));
  await submit(page, 'button[value=new_recovery_codes]');
  const codes = await page.$$eval('#recovery-codes code', (l) => l.map((e) => e.textContent));
  assert.equal(codes.length, 10);
  await submit(page, '#continue');

  // Another browser signs in (with the code now); this page ends it.
  const other = await newPage();
  await other.page.goto(page0);
  await password(other.page, 'lena', PASSWORD);
  // (The app's codes of now and the next step are spent: a recovery code.)
  await other.page.click('summary');
  await typeInto(other.page, 'recovery_code', codes[0]);
  await submit(other.page);
  await submit(other.page, '#continue');
  assert.equal(pathOf(other.page), `/accounts/${acme.id}/account`);
  await page.reload();
  assert.equal((await page.$$('#sessions li')).length, 2);
  const ends = await page.$$('#sessions li');
  for (const li of ends) {
    if (!(await li.evaluate((e) => e.textContent.includes('this browser')))) {
      await Promise.all([page.waitForNavigation(), li.$eval('button', (b) => b.click())]);
      break;
    }
  }
  assert.match(await text(page, '.notice.info'), /signed out/);
  await other.page.reload();
  assert.equal(pathOf(other.page), `/accounts/${acme.id}/login`, 'the ended session is gone');
  await other.context.close();

  // Devices: this browser is known; forgetting it is said.
  assert.match(await text(page, '#devices'), /browser-[0-9a-f]{24}/);
  await Promise.all([page.waitForNavigation(), page.$eval('#devices button', (b) => b.click())]);
  assert.match(await text(page, '.notice.info'), /forgotten/);

  // The authenticator removed (a new phone), proven with a recovery code.
  await typeInto(page, 'code', codes[1]);
  await submit(page, 'button[value=reset_totp]');
  assert.match(await text(page, '.notice.info'), /removed/);
  assert.match(await text(page, '#mfa-status'), /Not set up/);

  // The password: a wrong current one, two that differ, then a change.
  const change = async (current, fresh, again) => {
    await typeInto(page, 'password', current);
    await typeInto(page, 'new_password', fresh);
    await typeInto(page, 'new_password_again', again);
    await submit(page, '#change-password');
  };
  await change('wrong', 'Brand-New-Secret-42', 'Brand-New-Secret-42');
  assert.match(await text(page, '.notice.error'), /not correct/);
  await change(PASSWORD, 'Brand-New-Secret-42', 'Brand-New-Secret-43');
  assert.match(await text(page, '.notice.error'), /differ/);
  await change(PASSWORD, 'Brand-New-Secret-42', 'Brand-New-Secret-42');
  // Either the page says so, or the change signed every session out (the
  // account's policy) and the page asks to sign in with the new one.
  if (pathOf(page).endsWith('/login')) {
    await password(page, 'lena', 'Brand-New-Secret-42');
  } else {
    assert.match(await text(page, '.notice.info'), /password is changed/);
  }
  assert.equal(pathOf(page), `/accounts/${acme.id}/account`);
  await page.setExtraHTTPHeaders({ 'accept-language': 'zh-CN' });
  await page.reload();
  assert.match(await text(page, 'h1'), /我的账户/);
  await context.close();
});

test('an app asks for a second factor (acr_values): the user proves theirs after the password', async () => {
  const acme = await account('oscorp', ['mona']);
  // Optional factors, never asked at login by risk: a password suffices...
  await acme.policy('mfa', (d) => { d.mode = 'optional'; d.risk_step_up = false; });
  const { context, page } = await newPage();
  await page.goto(`${iam.http}/accounts/${acme.id}/account`);
  await password(page, 'mona', PASSWORD);
  await submit(page, 'button[value=begin_totp]');
  const secret = (await text(page, '#secret')).trim();
  await typeInto(page, 'code', authenticator.generate(secret));
  await submit(page);
  await submit(page, '#continue');
  // ...unless the app asks for more.
  await page.goto(`${acme.app.origin}/login?prompt=login&acr_values=urn:iam:acr:mfa`);
  await password(page, 'mona', PASSWORD);
  if (await page.$('#continue')) await submit(page, '#continue');
  assert.equal(pathOf(page), `/accounts/${acme.id}/stepup`);
  await typeInto(page, 'code', '000000');
  await submit(page);
  assert.match(await text(page, '.notice.error'), /not correct/);
  await typeInto(page, 'code', nextCode(secret));
  await submit(page);
  assert.equal(await text(page, '#who'), 'mona');
  assert.equal(await text(page, '#acr'), 'urn:iam:acr:mfa');
  // Without acr_values the same login is a password's.
  await page.goto(`${acme.app.origin}/login?prompt=login`);
  await password(page, 'mona', PASSWORD);
  if (await page.$('#continue')) await submit(page, '#continue');
  assert.equal(await text(page, '#acr'), 'urn:iam:acr:pwd');
  await context.close();
});
