// A real browser (Debian's chromium, driven by puppeteer-core) signs a
// user in to two applications of an account. Each application is a small
// relying party on loopback that uses `openid-client` for the whole
// protocol (PKCE, state, nonce, the code exchange, the ID token checks),
// as a web app would. What is shown: the login in English and Chinese,
// single sign-on, the consent of a third-party app, pages that work
// without JavaScript, and a login page that another origin cannot frame.
// (The screenshots of these pages are browser_pages.test.mjs's.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './chromium.mjs';
import { startIamd, grpcCaller } from './harness.mjs';
import { startApp, registerApp, closeApps } from './relying_party.mjs';

const PASSWORD = 'Correct-Horse-Battery-9';
let iam;
let http;
let browser;
let call;
let acme;

before(async () => {
  iam = await startIamd('iam-browser-');
  http = iam.http;
  const grpcCall = grpcCaller(iam.address);
  call = (method, req, key) => grpcCall('admin', method, req, key);
  const a = await call('CreateAccount', { name: 'acme', admin_username: 'alice' }, iam.root);
  acme = { id: a.account.id, key: a.admin_access_key_token };
  await call('CreateUser', { username: 'carol' }, acme.key);
  await call('SetUserPassword', { username: 'carol', password: PASSWORD, permanent: true }, acme.key);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  closeApps();
  await iam?.stop();
});

const register = (app, extra) =>
  registerApp(app, { call, key: acme.key, issuer: `${http}/accounts/${acme.id}` }, extra);

// Signs in on the login page; past the signed-in notice (the previous
// login), when there is one, as a person would.
async function signIn(page, username, password) {
  await page.waitForSelector('input[name=username]');
  await page.$eval('input[name=username]', (e) => { e.value = ''; });
  await page.type('input[name=username]', username);
  await page.type('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  if (await page.$('#continue')) {
    await Promise.all([page.waitForNavigation(), page.click('#continue')]);
  }
}

test('a user signs in to one app in the browser and is signed in to the next one', async () => {
  const wiki = await register(await startApp('wiki'));
  const tracker = await register(await startApp('tracker'));
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.goto(`${wiki.origin}/login`);
  assert.match(page.url(), /\/login\?request=/);
  assert.equal(await page.$eval('input[name=username]', (e) => e.autocomplete), 'username');
  assert.equal(await page.$eval('input[name=password]', (e) => e.autocomplete), 'current-password');
  await signIn(page, 'carol', 'wrong password');
  assert.match(await page.$eval('.notice.error', (e) => e.textContent), /not correct/);
  await signIn(page, 'carol', PASSWORD);
  assert.equal(page.url().split('?')[0], `${wiki.origin}/cb`);
  assert.equal(await page.$eval('#who', (e) => e.textContent), 'carol');
  const sid = await page.$eval('#sid', (e) => e.textContent);

  // The second app: no login page at all.
  await page.goto(`${tracker.origin}/login`);
  assert.equal(page.url().split('?')[0], `${tracker.origin}/cb`);
  assert.equal(await page.$eval('#sid', (e) => e.textContent), sid);
  // prompt=login asks again.
  await page.goto(`${tracker.origin}/login?prompt=login`);
  assert.match(page.url(), /\/login\?request=/);
  await context.close();
});

test('the pages in Chinese, without JavaScript, and the consent of a third-party app', async () => {
  const partner = await register(await startApp('partner'),
    { first_party: false, client_name: 'Partner App' });
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setJavaScriptEnabled(false);
  await page.goto(`${partner.origin}/login?ui_locales=zh-CN`);
  assert.equal(await page.$eval('html', (e) => e.lang), 'zh-CN');
  assert.match(await page.$eval('label[for=username]', (e) => e.textContent), /用户名/);
  await signIn(page, 'carol', PASSWORD);
  assert.match(page.url(), /\/consent\?request=/);
  assert.match(await page.content(), /Partner App/);
  await Promise.all([page.waitForNavigation(), page.click('button[value=allow]')]);
  assert.equal(await page.$eval('#who', (e) => e.textContent), 'carol');
  await context.close();

  const english = await browser.createBrowserContext();
  const en = await english.newPage();
  await en.setExtraHTTPHeaders({ 'accept-language': 'en-GB,en;q=0.9' });
  // Consent was given; prompt=consent asks again.
  await en.goto(`${partner.origin}/login?prompt=consent`);
  await signIn(en, 'carol', PASSWORD);
  assert.match(en.url(), /\/consent\?request=/);
  await Promise.all([en.waitForNavigation(), en.click('button[value=deny]')]);
  assert.equal(await en.$eval('#error', (e) => e.textContent), 'access_denied');
  await english.close();
});

test('error pages, and no other origin can frame a page', async () => {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const bad = `${http}/accounts/${acme.id}/oauth2/authorize?client_id=wiki&response_type=code` +
    '&redirect_uri=https%3A%2F%2Fevil.example%2Fcb';
  const response = await page.goto(bad);
  assert.equal(response.status(), 400);
  assert.match(await page.$eval('.notice.error', (e) => e.textContent), /not registered/);
  await page.goto(`${bad}&ui_locales=zh-CN`);

  // A page of the application's origin that frames the login page: the
  // browser refuses to show it (CSP frame-ancestors 'none').
  const app = await startApp('framer');
  const framed = async (src) => {
    await page.goto(`${app.origin}/frame?src=${encodeURIComponent(src)}`);
    await new Promise((r) => setTimeout(r, 500));
    const frame = page.frames().find((f) => f !== page.mainFrame());
    return frame ? frame.evaluate(() => document.body?.innerText ?? '').catch(() => '') : '';
  };
  // The control: a page that allows framing is read through the frame.
  assert.match(await framed(`${app.origin}/cb?error=control`), /control/);
  assert.doesNotMatch(await framed(bad), /not registered/, 'the framed page was rendered');
  await context.close();
});
