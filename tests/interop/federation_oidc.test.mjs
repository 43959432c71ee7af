// Logging in through the company's OpenID Connect provider, in a real
// browser (chromium, puppeteer-core): npm's `oidc-provider` is the
// upstream, an `openid-client` app the relying party of iamd. What is
// shown: the provider configured and tested with iamctl; the login page's
// button; a first login that creates the user (its upstream group mapped
// to a group here) and lands at the app with iamd's tokens; the next login
// finding the same user; a verified email linking to an existing user; an
// unverified one refused the link; an email outside the allowed domains;
// and, from a rogue provider, a forged ID token, a wrong nonce and a token
// for another client, each refused and audited; a replayed answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchChromium } from './chromium.mjs';
import { startIamd, grpcCaller } from './harness.mjs';
import { startApp, registerApp, closeApps } from './relying_party.mjs';
import { startOidcProvider, startRogueProvider } from './upstream_provider.mjs';

let iam;
let browser;
let call;
let acme;
let upstream;
let rogue;
let configDir;

const CLIENT_SECRET = 'upstream-client-secret-0123456789';

before(async () => {
  // The upstream providers are on loopback: iamd may reach private networks.
  iam = await startIamd('iam-fed-', ['--fetch-private-networks', 'true']);
  const grpcCall = grpcCaller(iam.address);
  call = (method, req, key) => grpcCall('admin', method, req, key);
  const a = await call('CreateAccount', { name: 'acme', admin_username: 'admin' }, iam.root);
  acme = { id: a.account.id, key: a.admin_access_key_token };
  acme.issuer = `${iam.http}/accounts/${acme.id}`;
  await call('CreateGroup', { name: 'engineers' }, acme.key);
  await call('CreateUser', { username: 'bob', email: 'bob@example.com' }, acme.key);
  acme.app = await registerApp(await startApp('portal'), { call, key: acme.key, issuer: acme.issuer });
  upstream = await startOidcProvider({
    clientId: 'iam', clientSecret: CLIENT_SECRET, redirectUri: `${acme.issuer}/idp/callback`,
    accounts: {
      'u-alice': { preferred_username: 'alice', name: 'Alice A', email: 'alice@example.com',
        email_verified: true, groups: ['engineering', 'everyone'] },
      'u-bobby': { preferred_username: 'bobby', email: 'bob@example.com', email_verified: true },
      'u-mallory': { preferred_username: 'bob', email: 'bob@example.com', email_verified: false },
      'u-eve': { preferred_username: 'eve', email: 'eve@other.org', email_verified: true },
      'u-kim': { preferred_username: 'kim', email: 'kim@example.com', email_verified: true },
    },
    keyClientId: 'iam-keys', keyClientJwksUri: `${iam.http}/.well-known/jwks.json`,
  });
  rogue = await startRogueProvider({ clientId: 'iam' });
  browser = await launchChromium();
  configDir = mkdtempSync(path.join(tmpdir(), 'iamctl-fed-'));
});

after(async () => {
  await browser?.close();
  closeApps();
  await upstream?.close();
  await rogue?.close();
  await iam?.stop();
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

// iamctl as an administrator runs it. Not spawnSync: the upstream
// provider lives in this process and must answer iamd meanwhile.
function iamctl(args, input = '') {
  const proc = spawn(process.env.IAMCTL, ['--address', iam.address, ...args], {
    env: { ...process.env, IAMCTL_CONFIG: path.join(configDir, 'config'), IAMCTL_ACCESS_KEY: acme.key },
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  proc.stdin.end(input);
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, out, err })));
}

async function newPage() {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  return { context, page };
}

const text = (page, sel) => page.$eval(sel, (e) => e.textContent);

// From the app to the upstream's login, as the user: the button, then the
// provider's own pages (any login name is that account; then consent).
async function throughUpstream(page, login) {
  await page.goto(`${acme.app.origin}/login`);
  await page.waitForSelector('a.provider');
  await Promise.all([page.waitForNavigation(), page.click('a.provider')]);
  await page.waitForSelector('input[name=login]');
  await page.type('input[name=login]', login);
  await page.type('input[name=password]', 'anything');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  if (await page.$('button.login-submit')) {
    await Promise.all([page.waitForNavigation(), page.click('button.login-submit')]);
  }
  if (await page.$('#continue')) {
    await Promise.all([page.waitForNavigation(), page.click('#continue')]);
  }
}

// The account's audit records of an action and result.
async function audited(action, result) {
  const r = await grpcCaller(iam.address)('audit', 'QueryAudit',
    { filter: { action, result }, page_size: 1000 }, acme.key);
  return r.records.map((e) => ({ ...e, detail: JSON.parse(e.detail_json || '{}') }));
}

test('iamctl configures and tests the provider', async () => {
  const settings = path.join(configDir, 'corp.json');
  writeFileSync(settings, JSON.stringify({
    link: 'verified_email', allowed_email_domains: ['example.com'],
    group_map: { engineering: 'engineers' },
    oidc: { issuer: upstream.issuer, client_id: 'iam' },
  }));
  const created = await iamctl(['idp', 'create', 'corp', '--kind', 'oidc', '--name', 'Corp SSO',
    '--file', settings, '--secret'], `${CLIENT_SECRET}\n`);
  assert.equal(created.code, 0, created.err);
  assert.match(created.out, /corp +oidc +yes +Corp SSO/);
  assert.match(created.out, /a secret is set/);
  assert.doesNotMatch(created.out, new RegExp(CLIENT_SECRET));
  const tested = await iamctl(['idp', 'test', 'corp']);
  assert.equal(tested.code, 0, tested.err);
  assert.match(tested.out, new RegExp(`discovery: issuer ${upstream.issuer} matches`));
  assert.match(tested.out, /jwks: \d+ signature keys? \(/);
  assert.match(tested.out, /^ok$/m);
  // A mistake is refused naming the field, and nothing changes.
  const bad = await iamctl(['idp', 'update', 'corp', '--set', 'oidc.issuer=http://example.com']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /oidc\.issuer: must be https/);
  const got = await iamctl(['idp', 'get', 'corp']);
  assert.equal(got.code, 0, got.err);
  assert.match(got.out, /"client_auth": "client_secret_basic"/);
  assert.match(got.out, /"engineering": "engineers"/);
  assert.doesNotMatch(got.out, new RegExp(CLIENT_SECRET));
  const listed = await iamctl(['idp', 'list', '-o', 'json']);
  assert.match(listed.out, new RegExp(upstream.issuer.replace(/[/.]/g, '\\$&')));
  // A provider that is down: the test says so, and fails.
  const down = await iamctl(['idp', 'create', 'down', '--kind', 'oidc', '--set',
    'oidc.issuer=http://127.0.0.1:1', '--set', 'oidc.client_id=x', '--set', 'oidc.client_auth=none']);
  assert.equal(down.code, 0, down.err);
  const failed = await iamctl(['idp', 'test', 'down']);
  assert.match(failed.out, /FAILED/);
  assert.equal((await iamctl(['idp', 'delete', 'down'])).code, 0);
});

test('a first login through the provider creates the user; the next finds it', async () => {
  const { context, page } = await newPage();
  await throughUpstream(page, 'u-alice');
  assert.equal(page.url().split('?')[0], `${acme.app.origin}/cb`, await page.content());
  assert.equal(await text(page, '#who'), 'alice');
  assert.match(await text(page, '#amr'), /fed/);
  await context.close();
  // Created, with the upstream's email and the mapped group.
  const alice = await call('GetUser', { username: 'alice', reveal_pii: true }, acme.key);
  assert.equal(alice.email, 'alice@example.com');
  const groups = await call('ListUserGroups', { username: 'alice' }, acme.key);
  assert.deepEqual(groups.groups.map((g) => g.name), ['engineers']);
  const created = await audited('iam:CreateUser', 'success');
  assert.ok(created.some((e) => e.actor === 'iamd' && e.detail.provider === 'corp'
    && e.detail.username === 'alice'), JSON.stringify(created));
  const logins = await audited('sts:Login', 'success');
  assert.ok(logins.some((e) => e.detail.provider === 'corp' && e.detail.username === 'alice'));

  // Again, in another browser: the same user, not a second one.
  const again = await newPage();
  await throughUpstream(again.page, 'u-alice');
  assert.equal(await text(again.page, '#who'), 'alice');
  await again.context.close();
  const users = await call('ListUsers', {}, acme.key);
  assert.equal(users.users.filter((u) => u.username.startsWith('alice')).length, 1);
});

test('a verified email links to the existing user; an unverified one does not', async () => {
  const linked = await newPage();
  await throughUpstream(linked.page, 'u-bobby');
  assert.equal(await text(linked.page, '#who'), 'bob');
  await linked.context.close();

  // The upstream says "bob" with bob's email, unverified: no link, and the
  // name is taken, so no new user either.
  const mallory = await newPage();
  await throughUpstream(mallory.page, 'u-mallory');
  assert.match(await mallory.page.content(), /was not accepted by this account/);
  await mallory.context.close();

  // An email outside the provider's domains.
  const eve = await newPage();
  await throughUpstream(eve.page, 'u-eve');
  assert.match(await eve.page.content(), /was not accepted by this account/);
  await eve.context.close();
  const users = await call('ListUsers', {}, acme.key);
  assert.ok(!users.users.some((u) => u.username === 'eve'));
  const reasons = (await audited('sts:Login', 'failure'))
    .filter((e) => e.detail.provider === 'corp').map((e) => e.detail.reason);
  assert.deepEqual(reasons.map((r) => /exists here/.test(r) ? 'taken'
    : /allowed domains/.test(r) ? 'domain' : r).sort(), ['domain', 'taken']);
  const links = await audited('iam:LinkFederatedIdentity', 'success');
  assert.deepEqual(links.map((e) => [e.detail.username, e.detail.rule]), [['bob', 'verified_email']]);
});

test('a client that authenticates with private_key_jwt: no secret to keep', async () => {
  const created = await iamctl(['idp', 'create', 'corp-keys', '--kind', 'oidc',
    '--name', 'Corp (keys)', '--set', `oidc.issuer=${upstream.issuer}`,
    '--set', 'oidc.client_id=iam-keys', '--set', 'oidc.client_auth=private_key_jwt']);
  assert.equal(created.code, 0, created.err);
  assert.match(created.out, /no secret/);
  const { context, page } = await newPage();
  await page.goto(`${acme.app.origin}/login`);
  const links = await page.$$eval('a.provider', (l) => l.map((a) => [a.textContent.trim(), a.href]));
  await page.goto(links.find(([name]) => name === 'Corp (keys)')[1]);
  await page.waitForSelector('input[name=login]');
  await page.type('input[name=login]', 'u-kim');
  await page.type('input[name=password]', 'anything');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  if (await page.$('button.login-submit')) {
    await Promise.all([page.waitForNavigation(), page.click('button.login-submit')]);
  }
  assert.ok(await page.$('#who'), `${page.url()} ${await page.content()}`);
  assert.equal(await text(page, '#who'), 'kim');
  await context.close();
  assert.equal((await iamctl(['idp', 'delete', 'corp-keys'])).code, 0);
});

test('forged, misdirected and replayed answers are refused', async () => {
  await call('CreateIdentityProvider', { config: JSON.stringify({ alias: 'rogue', kind: 'oidc',
    display_name: 'Rogue', oidc: { issuer: rogue.issuer, client_id: 'iam' } }),
  secret: 'rogue-secret' }, acme.key);
  const through = async (mode) => {
    rogue.setMode(mode);
    const { context, page } = await newPage();
    await page.goto(`${acme.app.origin}/login`);
    await page.waitForSelector('a.provider');
    const links = await page.$$eval('a.provider', (l) => l.map((a) => [a.textContent.trim(), a.href]));
    const href = links.find(([name]) => name === 'Rogue')[1];
    const res = await page.goto(href);
    return { context, page, status: res.status(), url: page.url() };
  };
  for (const mode of ['forged', 'nonce', 'audience']) {
    const r = await through(mode);
    assert.equal(r.status, 403, mode);
    assert.match(await r.page.content(), /was not accepted by this account/, mode);
    await r.context.close();
  }
  // A good answer gets in; the same answer brought again (its callback
  // URL, in this browser or another) is refused.
  rogue.setMode('good');
  const ok = await newPage();
  const callbacks = [];
  ok.page.on('request', (req) => {
    if (req.url().includes('/idp/callback')) callbacks.push(req.url());
  });
  await ok.page.goto(`${acme.app.origin}/login`);
  const links = await ok.page.$$eval('a.provider', (l) => l.map((a) => [a.textContent.trim(), a.href]));
  await ok.page.goto(links.find(([name]) => name === 'Rogue')[1]);
  assert.equal(await text(ok.page, '#who'), 'rogue');
  assert.equal(callbacks.length, 1);
  const again = await ok.page.goto(callbacks[0]);
  assert.equal(again.status(), 400);
  assert.match(await ok.page.content(), /expired or was already used/);
  await ok.context.close();
  const other = await newPage();
  const bounced = await other.page.goto(callbacks[0]);
  assert.equal(bounced.status(), 400);
  await other.context.close();
  // Hostile requests to the federation routes: each a clear 4xx, nothing
  // started, nothing signed in.
  const hostile = [
    [`${acme.issuer}/idp/callback?state=${'a'.repeat(5000)}&code=x`, 400],
    [`${acme.issuer}/idp/callback?state=%zz&code=%`, 400],
    [`${acme.issuer}/idp/callback?code=x`, 400],
    [`${acme.issuer}/idp/callback?state=x&error=access_denied`, 400],
    [`${acme.issuer}/idp/rogue/start?request=made-up`, 400],
    [`${acme.issuer}/idp/NOT..VALID/start?request=x`, 400],
    [`${iam.http}/accounts/not-an-account/idp/callback?state=x`, 404],
  ];
  for (const [url, status] of hostile) {
    const r = await fetch(url, { redirect: 'manual' });
    assert.equal(r.status, status, url.slice(0, 120));
    assert.equal(r.headers.get('location'), null, url.slice(0, 120));
  }
  // Each refusal is an audited sts:Login failure naming the provider and why.
  const failures = (await audited('sts:Login', 'failure'))
    .filter((e) => e.detail.provider === 'rogue').map((e) => e.detail.reason);
  assert.equal(failures.length, 3, JSON.stringify(failures));
  assert.match(failures.join('|'), /signature/);
  assert.match(failures.join('|'), /nonce/);
  assert.match(failures.join('|'), /audience/);
});
