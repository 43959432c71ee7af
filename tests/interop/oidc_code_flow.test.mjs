// Interop: the OpenID Connect authorization code flow with PKCE, driven
// the way a browser drives it (redirects followed by hand, cookies kept in
// a jar, the login form filled in) and checked by `openid-client` as the
// relying party: state, iss, PKCE, the ID token (signature, nonce, at_hash)
// and userinfo. Then single sign-on for a second app, prompt and max_age,
// consent for a third-party app, and what must be refused: a redirect URI
// off by one character, a missing or wrong PKCE verifier, a code used
// twice (its tokens revoked), forms without their CSRF token, and pages
// that tell an unknown user from a wrong password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { createServer } from 'node:http';
import { startIamd, grpcCaller } from './harness.mjs';

const PASSWORD = 'Correct-Horse-Battery-9';
let iam;
let http;
let call;
let acme;
let web;  // registers a public web app of acme

before(async () => {
  // The apps' back-channel logout endpoints are on loopback.
  iam = await startIamd('iam-oidc-', ['--fetch-private-networks', 'true', '--logout-poll-ms', '200']);
  http = iam.http;
  const grpcCall = grpcCaller(iam.address);
  call = (method, req, key) => grpcCall('admin', method, req, key);
  const root = iam.root;
  const a = await call('CreateAccount', { name: 'acme', admin_username: 'alice' }, root);
  acme = { id: a.account.id, key: a.admin_access_key_token };
  for (const username of ['carol', 'dave']) {
    await call('CreateUser', { username }, acme.key);
    await call('SetUserPassword', { username, password: PASSWORD, permanent: true }, acme.key);
  }
  web = (clientId, extra = {}) => call('CreateClient', { client_id: clientId,
    metadata: JSON.stringify({ grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none', redirect_uris: [`https://${clientId}.example/cb`],
      post_logout_redirect_uris: [`https://${clientId}.example/bye`],
      scope: 'openid profile offline_access', first_party: true, client_name: clientId, ...extra }) },
  acme.key);
  await web('wiki');
  await web('tracker');
  await web('partner', { first_party: false, client_name: 'Partner <b>App</b>' });
});

after(async () => {
  await iam?.stop();
});

const issuer = () => `${http}/accounts/${acme.id}`;
const insecure = { execute: [client.allowInsecureRequests] };

// A browser: a cookie jar and redirects followed by hand, so each hop can
// be looked at.
class Browser {
  constructor() { this.cookies = new Map(); }
  async go(url, init = {}) {
    const headers = { ...(init.headers ?? {}) };
    if (this.cookies.size) {
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    const r = await fetch(new URL(url, http), { ...init, headers, redirect: 'manual' });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return { status: r.status, location: r.headers.get('location'), headers: r.headers,
      body: await r.text() };
  }
  // Follows redirects on this server; stops at the first page or at a
  // redirect elsewhere (the application).
  async follow(url) {
    let r = await this.go(url);
    while (r.status === 303 && r.location.startsWith('/')) r = await this.go(r.location);
    return r;
  }
  // Posts the page's form: its hidden fields (the CSRF token among them)
  // and `fields`.
  async submit(page, fields) {
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)[1].replaceAll('&amp;', '&');
    const hidden = {};
    for (const m of page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      hidden[m[1]] = m[2].replaceAll('&amp;', '&').replaceAll('&#x2F;', '/');
    }
    const r = await this.go(action, { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...hidden, ...fields }).toString() });
    if (r.status === 303 && r.location.startsWith('/')) return this.follow(r.location);
    return r;
  }
}

async function app(clientId) {
  const config = await client.discovery(new URL(issuer()), clientId,
    { id_token_signed_response_alg: 'ES256' }, client.None(), insecure);
  const verifier = client.randomPKCECodeVerifier();
  const checks = { pkceCodeVerifier: verifier, expectedState: client.randomState(),
    expectedNonce: client.randomNonce(), idTokenExpected: true };
  const params = (extra = {}) => ({ redirect_uri: `https://${clientId}.example/cb`,
    scope: 'openid profile', state: checks.expectedState, nonce: checks.expectedNonce, ...extra });
  return {
    config,
    checks,
    async url(extra) {
      const p = params(extra);
      p.code_challenge = await client.calculatePKCECodeChallenge(verifier);
      p.code_challenge_method = 'S256';
      return client.buildAuthorizationUrl(config, p);
    },
    tokens(location) { return client.authorizationCodeGrant(config, new URL(location), checks); },
  };
}

// Signs in on the login page; past the signed-in notice (the previous
// login), when there is one, as a person would click on.
async function logIn(browser, url, username = 'carol', password = PASSWORD) {
  const page = await browser.follow(url);
  assert.equal(page.status, 200, page.body);
  assert.match(page.body, /autocomplete="current-password"/);
  return passNotice(browser, await browser.submit(page, { username, password }));
}

async function passNotice(browser, r) {
  const more = r.status === 200 && /<a class="button" id="continue" href="([^"]+)"/.exec(r.body);
  if (!more) return r;
  assert.match(r.body, /id="previous-login"/);
  return browser.follow(more[1].replaceAll('&amp;', '&').replaceAll('&#x2F;', '/'));
}

test('discovery names the authorization, token and userinfo endpoints', async () => {
  const { config } = await app('wiki');
  const m = config.serverMetadata();
  assert.equal(m.authorization_endpoint, `${issuer()}/oauth2/authorize`);
  assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
  assert.equal(m.authorization_response_iss_parameter_supported, true);
  assert.ok(m.grant_types_supported.includes('authorization_code'));
});

test('a user logs in and the app gets tokens that openid-client and jose accept', async () => {
  const browser = new Browser();
  const wiki = await app('wiki');
  const back = await logIn(browser, await wiki.url());
  assert.equal(back.status, 303);
  assert.ok(back.location.startsWith('https://wiki.example/cb?code='), back.location);
  const tokens = await wiki.tokens(back.location);
  const claims = tokens.claims();
  assert.equal(claims.iss, issuer());
  assert.equal(claims.aud, 'wiki');
  assert.equal(claims.nonce, wiki.checks.expectedNonce);
  assert.equal(claims.preferred_username, 'carol');
  assert.deepEqual(claims.amr, ['pwd']);
  assert.equal(claims.acr, 'urn:iam:acr:pwd');
  assert.ok(claims.sid && claims.auth_time && claims.at_hash);
  assert.ok(tokens.refresh_token);
  const jwks = createRemoteJWKSet(new URL(`${issuer()}/jwks`));
  const id = await jwtVerify(tokens.id_token, jwks, { issuer: issuer(), audience: 'wiki' });
  assert.equal(id.protectedHeader.typ, 'JWT');
  const access = await jwtVerify(tokens.access_token, jwks, { issuer: issuer(), typ: 'at+jwt' });
  assert.equal(access.payload.sid, claims.sid);
  assert.equal(access.payload.client_id, 'wiki');
  const info = await client.fetchUserInfo(wiki.config, tokens.access_token, claims.sub);
  assert.equal(info.preferred_username, 'carol');
  // An ID token is no access token.
  const asAccess = await fetch(`${issuer()}/oauth2/userinfo`,
    { headers: { authorization: `Bearer ${tokens.id_token}` } });
  assert.equal(asAccess.status, 401);
  assert.equal(decodeProtectedHeader(tokens.id_token).typ, 'JWT');

  // Single sign-on: another app of the account gets its code at once.
  const tracker = await app('tracker');
  const sso = await browser.follow(await tracker.url());
  assert.equal(sso.status, 303);
  assert.ok(sso.location.startsWith('https://tracker.example/cb?code='));
  const second = (await tracker.tokens(sso.location)).claims();
  assert.equal(second.sid, claims.sid, 'one browser session for every app');
  assert.equal(second.auth_time, claims.auth_time);

  // prompt=login and max_age=0 ask again; prompt=none answers without a page.
  for (const extra of [{ prompt: 'login' }, { max_age: '0' }]) {
    const again = await browser.follow(await (await app('tracker')).url(extra));
    assert.equal(again.status, 200, JSON.stringify(extra));
    assert.match(again.body, /name="password"/);
  }
  const silent = await app('tracker');
  const none = await browser.follow(await silent.url({ prompt: 'none' }));
  assert.ok(none.location.includes('code='));
  const stranger = await new Browser().follow(await silent.url({ prompt: 'none' }));
  assert.equal(new URL(stranger.location).searchParams.get('error'), 'login_required');
  assert.equal(new URL(stranger.location).searchParams.get('iss'), issuer());
});

test('a third-party app asks for consent once; a refusal is access_denied', async () => {
  const browser = new Browser();
  const partner = await app('partner');
  const consent = await logIn(browser, await partner.url());
  assert.equal(consent.status, 200);
  assert.match(consent.body, /Partner &lt;b&gt;App&lt;\/b&gt;/);
  assert.doesNotMatch(consent.body, /<b>App/);
  const back = await browser.submit(consent, { decision: 'allow' });
  assert.ok(back.location.startsWith('https://partner.example/cb?code='));
  await partner.tokens(back.location);
  const again = await app('partner');
  const direct = await browser.follow(await again.url());
  assert.ok(direct.location.startsWith('https://partner.example/cb?code='), 'consent is remembered');
  const asked = await browser.follow(await (await app('partner')).url({ prompt: 'consent' }));
  const denied = await browser.submit(asked, { decision: 'deny' });
  assert.equal(new URL(denied.location).searchParams.get('error'), 'access_denied');
});

test('refusals: redirect URI, PKCE, a code used twice, CSRF, enumeration', async () => {
  const wiki = await app('wiki');
  // One character off: an error page, never a redirect.
  for (const uri of ['https://wiki.example/cB', 'https://wiki.example/cb/', 'https://evil.example/cb']) {
    const r = await new Browser().go(await wiki.url({ redirect_uri: uri }));
    assert.equal(r.status, 400, uri);
    assert.equal(r.location, null);
    assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
  }
  // A repeated parameter (RFC 6749 §3.1) or a broken escape: an error page.
  for (const query of ['client_id=wiki&client_id=wiki&response_type=code', 'client_id=%ZZ']) {
    const r = await new Browser().go(`${issuer()}/oauth2/authorize?${query}`);
    assert.equal(r.status, 400, query);
    assert.equal(r.location, null);
    assert.match(r.body, /malformed request/);
  }
  // Missing PKCE: back to the app with invalid_request.
  const url = await wiki.url();
  url.searchParams.delete('code_challenge');
  url.searchParams.delete('code_challenge_method');
  const nopkce = await new Browser().go(url);
  assert.equal(new URL(nopkce.location).searchParams.get('error'), 'invalid_request');

  const browser = new Browser();
  const back = await logIn(browser, await wiki.url());
  const code = new URL(back.location).searchParams.get('code');
  const exchange = (verifier) => fetch(`${issuer()}/oauth2/token`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'wiki', code,
      redirect_uri: 'https://wiki.example/cb', ...(verifier ? { code_verifier: verifier } : {}) }) })
    .then(async (r) => ({ status: r.status, body: await r.json() }));
  assert.equal((await exchange()).body.error, 'invalid_grant');
  assert.equal((await exchange(client.randomPKCECodeVerifier())).body.error, 'invalid_grant');
  const tokens = await wiki.tokens(back.location);
  const userinfo = () => fetch(`${issuer()}/oauth2/userinfo`,
    { headers: { authorization: `Bearer ${tokens.access_token}` } });
  assert.equal((await userinfo()).status, 200);
  // Used twice: refused, and what the first exchange issued is revoked.
  const replay = await exchange(wiki.checks.pkceCodeVerifier);
  assert.equal(replay.body.error, 'invalid_grant');
  assert.equal((await userinfo()).status, 401);
  await assert.rejects(client.refreshTokenGrant(wiki.config, tokens.refresh_token),
    (e) => e.error === 'invalid_grant');

  // A login form posted without its token, or with another browser's.
  const page = await new Browser().follow(await wiki.url());
  const action = /action="([^"]+)"/.exec(page.body)[1].replaceAll('&amp;', '&');
  const thief = new Browser();
  await thief.follow(await wiki.url());
  for (const csrf of ['', 'x'.repeat(43), /name="csrf" value="([^"]+)"/.exec(page.body)[1]]) {
    const r = await thief.go(action, { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, username: 'carol', password: PASSWORD }).toString() });
    assert.equal(r.status, 403);
  }
  // The same page for an unknown user and a wrong password.
  const victim = new Browser();
  const form = await victim.follow(await wiki.url());
  const unknown = await victim.submit(form, { username: 'nobody', password: PASSWORD });
  const wrong = await victim.submit(form, { username: 'nobody', password: 'wrong' });
  const known = await victim.submit(form, { username: 'dave', password: 'wrong' });
  const strip = (b) => b.replace(/nonce="[^"]+"/g, '').replace(/value="(nobody|dave)"/, '');
  assert.equal(strip(known.body), strip(unknown.body));
  assert.equal(strip(known.body), strip(wrong.body));
  assert.match(known.body, /The username or password is not correct/);
});

test('the login steps refuse what a browser did not earn', async () => {
  // An account whose users must have a second factor: the password leads
  // to enrolment, with the ticket in an HttpOnly cookie, never the page.
  const a = await call('CreateAccount', { name: 'stepco', admin_username: 'root' }, iam.root);
  const key = a.admin_access_key_token;
  await call('CreateUser', { username: 'erin' }, key);
  await call('SetUserPassword', { username: 'erin', password: PASSWORD, permanent: true }, key);
  const mfa = JSON.parse((await call('GetAccountPolicy', { kind: 'mfa' }, key)).document);
  await call('SetAccountPolicy', { kind: 'mfa', document: JSON.stringify({ ...mfa, mode: 'required' }) }, key);
  await call('CreateClient', { client_id: 'portal', metadata: JSON.stringify({
    grant_types: ['authorization_code'], token_endpoint_auth_method: 'none',
    redirect_uris: ['https://portal.example/cb'], scope: 'openid', first_party: true }) }, key);
  const iss = `${http}/accounts/${a.account.id}`;
  const config = await client.discovery(new URL(iss), 'portal', {}, client.None(), insecure);
  const start = async () => client.buildAuthorizationUrl(config, {
    redirect_uri: 'https://portal.example/cb', scope: 'openid', state: client.randomState(),
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256' });
  const browser = new Browser();
  const login = await browser.follow(await start());
  const enrol = await browser.submit(login, { username: 'erin', password: PASSWORD });
  assert.match(enrol.body, /id="secret"/);
  const ticket = [...browser.cookies.keys()].find((k) => k.endsWith('iam_mfa'));
  assert.ok(ticket, 'the ticket is a cookie');
  assert.doesNotMatch(enrol.body, new RegExp(browser.cookies.get(ticket)));
  const enrolPath = /action="([^"]+)"/.exec(enrol.body)[1].replaceAll('&amp;', '&');
  const mfaPath = enrolPath.replace('/enroll?', '/mfa?');
  const post = (b, to, fields) => b.go(to, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString() });

  // Without the page's CSRF token, or from another browser: refused.
  assert.equal((await post(browser, enrolPath, { code: '123456' })).status, 403);
  const thief = new Browser();
  thief.cookies.set(ticket, browser.cookies.get(ticket));
  assert.equal((await post(thief, enrolPath, { code: '123456', csrf: 'x'.repeat(43) })).status, 403);
  // Another browser holding the stolen ticket but not the request: ended.
  assert.equal((await thief.go(enrolPath)).status, 400);
  assert.equal((await thief.go(enrolPath.replace('/enroll?', '/continue?'))).status, 400);
  // The request's own browser with a forged ticket: back to the password.
  const forged = new Browser();
  forged.cookies = new Map(browser.cookies);
  forged.cookies.set(ticket, `mt1.${'A'.repeat(43)}`);
  assert.match((await forged.go(enrolPath)).body, /verification has ended/);
  forged.cookies.delete(ticket);
  assert.match((await forged.go(mfaPath)).body, /verification has ended/);
  // Hostile codes: a clear "not correct", the ticket still usable.
  const csrf = /name="csrf" value="([^"]+)"/.exec(enrol.body)[1];
  for (const code of ['1'.repeat(5000), "1' OR '1'='1", '\u0000\uffff', '%ff%fe']) {
    const r = await post(browser, enrolPath, { csrf, code });
    assert.equal(r.status, 200, code.slice(0, 20));
    assert.match(r.body, /not correct/);
  }
  // Continue without having signed in: back to the login page.
  const early = await browser.follow(enrolPath.replace('/enroll?', '/continue?'));
  assert.match(early.body, /autocomplete="current-password"/);
});

test('the device grant: openid-client polls while the user allows it in a browser', async () => {
  await call('CreateClient', { client_id: 'tv', metadata: JSON.stringify({
    grant_types: [client.DEVICE_CODE_GRANT_TYPE ?? 'urn:ietf:params:oauth:grant-type:device_code',
      'refresh_token'],
    token_endpoint_auth_method: 'none', scope: 'openid profile offline_access',
    first_party: true, client_name: 'Living-room TV' }) }, acme.key);
  const config = await client.discovery(new URL(issuer()), 'tv', {}, client.None(), insecure);
  assert.equal(config.serverMetadata().device_authorization_endpoint,
    `${issuer()}/oauth2/device_authorization`);
  const started = await client.initiateDeviceAuthorization(config, { scope: 'openid profile' });
  assert.match(started.user_code, /^[B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4}$/);
  assert.equal(started.verification_uri, `${issuer()}/device`);
  const token = (fields) => fetch(`${issuer()}/oauth2/token`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: 'tv', ...fields }) }).then(async (r) => ({ status: r.status, ...(await r.json()) }));
  // Before the user answers: pending, then slow_down for polling too fast.
  assert.equal((await token({ device_code: started.device_code })).error, 'authorization_pending');
  assert.equal((await token({ device_code: started.device_code })).error, 'slow_down');
  assert.equal((await token({ device_code: 'made-up' })).error, 'invalid_grant');
  // Another client cannot redeem it.
  assert.equal((await token({ device_code: started.device_code, client_id: 'wiki' })).error,
    'unauthorized_client');

  const polled = client.pollDeviceAuthorizationGrant(config, started);
  const browser = new Browser();
  const form = await browser.follow(started.verification_uri_complete);
  assert.match(form.body, new RegExp(`value="${started.user_code}"`),
    `${started.verification_uri_complete} ${form.body.slice(form.body.indexOf("<form"), form.body.indexOf("</form>"))}`);
  const login = await browser.submit(form, { user_code: started.user_code.toLowerCase() });
  const confirm = await passNotice(browser, await browser.submit(login, { username: 'dave',
    password: PASSWORD }));
  assert.match(confirm.body, /Living-room TV/);
  assert.match(confirm.body, new RegExp(started.user_code));
  const done = await browser.submit(confirm, { decision: 'allow' });
  assert.match(done.body, /device is signed in/);
  const tokens = await polled;
  const claims = tokens.claims();
  assert.equal(claims.aud, 'tv');
  assert.equal(claims.preferred_username, 'dave');
  assert.ok(claims.sid);
  assert.ok(tokens.refresh_token);
  // Once: the same device code again has expired.
  assert.equal((await token({ device_code: started.device_code })).error, 'expired_token');
  // The allow form posted again (a replay): the device sign-in has ended.
  const again = await browser.submit(confirm, { decision: 'allow' });
  assert.equal(again.status, 400);
  // A client not allowed the grant gets no code.
  const refused = await fetch(`${issuer()}/oauth2/device_authorization`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'wiki' }) });
  assert.equal((await refused.json()).error, 'unauthorized_client');
});

test('the account page acts for its own user only', async () => {
  const page = `${issuer()}/account`;
  // Not signed in: to the login page, and back once signed in.
  const carol = new Browser();
  const first = await carol.go(page);
  assert.equal(first.status, 303);
  assert.match(first.location, /\/login\?request=/);
  const mine = await passNotice(carol, await carol.submit(await carol.follow(first.location),
    { username: 'carol', password: PASSWORD }));
  const signedIn = mine.status === 303 ? await carol.follow(mine.location) : mine;
  assert.match(signedIn.body, /Signed in as carol/);
  // Dave's session, which carol must not be able to end.
  const dave = new Browser();
  const d1 = await dave.go(page);
  const daves = await passNotice(dave, await dave.submit(await dave.follow(d1.location),
    { username: 'dave', password: PASSWORD }));
  const davePage = daves.status === 303 ? await dave.follow(daves.location) : daves;
  const daveSession = /name="session_id" value="([^"]+)"/.exec(davePage.body)[1];
  const csrf = /name="csrf" value="([^"]+)"/.exec(signedIn.body)[1];
  const post = (b, fields) => b.go(page, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString() });
  const tried = await post(carol, { csrf, do: 'end_session', session_id: daveSession });
  assert.match(tried.body, /did not work/);
  assert.match((await dave.go(page)).body, /Signed in as dave/, 'dave is still signed in');
  // Without the form's token, or with carol's token in dave's browser.
  assert.equal((await post(carol, { do: 'end_session', session_id: daveSession })).status, 403);
  assert.equal((await post(dave, { csrf, do: 'end_session', session_id: daveSession })).status, 403);
  // Hostile values: a clear answer, nothing changed.
  for (const value of ["' OR 1=1 --", 'x'.repeat(5000), '%ff%fe\u0000']) {
    const r = await post(carol, { csrf, do: 'forget_device', device_id: value });
    assert.equal(r.status, 200);
    assert.match(r.body, /did not work/);
  }
  assert.match((await post(carol, { csrf, do: 'no-such-thing' })).body, /did not work/);
});

test('userinfo: email and phone only for clients registered for them', async () => {
  await call('UpdateUser', { username: 'dave', display_name: 'Dave Lister',
    email: 'dave@example.com', phone: '+15555550100',
    update_mask: { paths: ['display_name', 'email', 'phone'] } }, acme.key);
  await web('mail', { scope: 'openid profile email phone' });
  const info = async (clientId, scope) => {
    const a = await app(clientId);
    const url = await a.url({ scope });
    const back = await logIn(new Browser(), url, 'dave');
    const tokens = await a.tokens(back.location);
    return client.fetchUserInfo(a.config, tokens.access_token, tokens.claims().sub);
  };
  const full = await info('mail', 'openid profile email phone');
  assert.equal(full.preferred_username, 'dave');
  assert.equal(full.name, 'Dave Lister');
  assert.equal(full.email, 'dave@example.com');
  assert.equal(full.phone_number, '+15555550100');
  // The same client without the scopes asked: nothing of them.
  const some = await info('mail', 'openid');
  assert.equal(some.email, undefined);
  assert.equal(some.phone_number, undefined);
  // A client not registered for email cannot ask for it.
  const wiki = await app('wiki');
  const refused = await new Browser().follow(await wiki.url({ scope: 'openid email' }));
  assert.equal(new URL(refused.location).searchParams.get('error'), 'invalid_scope');
});

test('pages speak the browser\'s language and escape what they are given', async () => {
  const browser = new Browser();
  const wiki = await app('wiki');
  const page = await browser.follow(await wiki.url({ ui_locales: 'zh-CN',
    login_hint: '"><script>alert(1)</script>' }));
  assert.match(page.body, /<html lang="zh-CN">/);
  assert.match(page.body, /用户名/);
  assert.doesNotMatch(page.body, /<script>alert/);
  assert.match(page.body, /&quot;&gt;&lt;script&gt;/);
  const csp = page.headers.get('content-security-policy');
  const nonce = /'nonce-([^']+)'/.exec(csp)[1];
  assert.match(page.body, new RegExp(`<style nonce="${nonce}">`));
  assert.equal(page.headers.get('cache-control'), 'no-store');
  // Without ui_locales: Accept-Language decides.
  const other = new Browser();
  const first = await other.go(await wiki.url());
  const zh = await other.go(first.location, { headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
  assert.match(zh.body, /<html lang="zh-CN">/);
  const en = await other.go(first.location, { headers: { 'accept-language': 'fr, en;q=0.5' } });
  assert.match(en.body, /<html lang="en">/);
});

test('logout at one app ends the session for every app; no open redirect', async () => {
  const browser = new Browser();
  const wiki = await app('wiki');
  const tokens = await wiki.tokens((await logIn(browser, await wiki.url())).location);
  const endSession = `${issuer()}/oauth2/logout`;
  const ask = (params) => browser.go(`${endSession}?${new URLSearchParams(params)}`);
  // A post_logout_redirect_uri the client did not register, or with no
  // client to check it against, or a forged hint: a page, never a redirect.
  for (const params of [
    { id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://evil.example/bye' },
    { id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://wiki.example/bye/' },
    { post_logout_redirect_uri: 'https://wiki.example/bye' },
    { client_id: 'tracker', id_token_hint: tokens.id_token },
    { id_token_hint: `${tokens.id_token.slice(0, -4)}AAAA` },
    { id_token_hint: tokens.access_token },
  ]) {
    const r = await ask(params);
    assert.equal(r.status, 400, JSON.stringify(params));
    assert.equal(r.location, null);
  }
  const tracker = await app('tracker');
  assert.match((await browser.follow(await tracker.url())).location, /code=/, 'still signed in');

  // openid-client's end-session URL, with the hint: signed out at once.
  const out = await browser.go(client.buildEndSessionUrl(wiki.config, {
    id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://wiki.example/bye',
    state: 'after-logout' }));
  assert.equal(out.status, 303);
  assert.equal(out.location, 'https://wiki.example/bye?state=after-logout');
  const silent = await browser.follow(await (await app('tracker')).url({ prompt: 'none' }));
  assert.equal(new URL(silent.location).searchParams.get('error'), 'login_required');
  await assert.rejects(client.refreshTokenGrant(wiki.config, tokens.refresh_token),
    (e) => e.error === 'invalid_grant');
  const info = await fetch(`${issuer()}/oauth2/userinfo`,
    { headers: { authorization: `Bearer ${tokens.access_token}` } });
  assert.equal(info.status, 401);

  // Without a hint the user confirms first: another site cannot sign
  // them out by sending them there, nor by posting the form.
  const second = new Browser();
  await logIn(second, await wiki.url());
  const confirm = await second.go(endSession);
  assert.equal(confirm.status, 200);
  assert.match(confirm.body, /Sign out of acme\?/);
  const forgedPost = await second.go(`/accounts/${acme.id}/logout`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=x' });
  assert.equal(forgedPost.status, 403);
  assert.match((await second.follow(await (await app('tracker')).url({ prompt: 'none' }))).location,
    /code=/, 'the forged form signed nobody out');
  const done = await second.submit(confirm, {});
  assert.equal(done.status, 200);
  assert.match(done.body, /You are signed out/);
  const after = await second.follow(await (await app('tracker')).url({ prompt: 'none' }));
  assert.equal(new URL(after.location).searchParams.get('error'), 'login_required');
});

test('back-channel logout: every app holding tokens of an ended session is told, retried until it hears', async () => {
  // The app's back-channel endpoint: fails the first delivery, then accepts.
  const received = [];
  let answers = [500];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ type: req.headers['content-type'], body });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  try {
    const uri = `http://127.0.0.1:${receiver.address().port}/backchannel`;
    await call('CreateClient', { client_id: 'portal', metadata: JSON.stringify({
      grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none',
      redirect_uris: ['https://portal.example/cb'], post_logout_redirect_uris: ['https://portal.example/bye'],
      scope: 'openid profile', first_party: true, backchannel_logout_uri: uri }) }, acme.key);
    const jwks = createRemoteJWKSet(new URL(`${issuer()}/jwks`));
    const waitFor = async (n, ms) => {
      for (const start = Date.now(); received.length < n && Date.now() - start < ms;) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(received.length >= n, `${received.length} of ${n} deliveries arrived`);
    };
    const verifyLogout = async (delivery, sid) => {
      assert.equal(delivery.type, 'application/x-www-form-urlencoded');
      const token = new URLSearchParams(delivery.body).get('logout_token');
      const { payload, protectedHeader } = await jwtVerify(token, jwks,
        { issuer: issuer(), audience: 'portal', typ: 'logout+jwt', maxTokenAge: '2m' });
      assert.equal(protectedHeader.typ, 'logout+jwt');
      assert.deepEqual(payload.events, { 'http://schemas.openid.net/event/backchannel-logout': {} });
      assert.equal(payload.sid, sid);
      assert.ok(payload.sub && payload.jti && !payload.nonce);
    };

    // Logout at the app: the first delivery fails, the retry arrives.
    const browser = new Browser();
    const portal = await app('portal');
    const tokens = await portal.tokens((await logIn(browser, await portal.url())).location);
    const sid = tokens.claims().sid;
    const out = await browser.go(client.buildEndSessionUrl(portal.config,
      { id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://portal.example/bye' }));
    assert.equal(out.status, 303);
    await waitFor(2, 10000);
    assert.equal(received.length, 2, 'one failed delivery and its retry');
    await verifyLogout(received[1], sid);

    // An administrator signs the user out everywhere: told too.
    const second = new Browser();
    const again = await app('portal');
    const other = await again.tokens((await logIn(second, await again.url())).location);
    await call('RevokeUserSessions', { username: 'carol' }, acme.key);
    await waitFor(3, 5000);
    await verifyLogout(received[2], other.claims().sid);
    const metrics = await (await fetch(`${http}/metrics`)).text();
    assert.match(metrics, /^iam_backchannel_logout_total\{outcome="delivered"\} [2-9]/m);
    assert.match(metrics, /^iam_backchannel_logout_total\{outcome="retried"\} [1-9]/m);
    assert.match(metrics, /^iam_backchannel_logout_pending 0$/m);
    // The administrator sees each delivery, its tries and its last error.
    const listed = await call('ListLogoutDeliveries', { client_id: 'portal' }, acme.key);
    const first = listed.deliveries.find((d) => d.session_id === sid);
    assert.equal(first.state, 'delivered');
    assert.equal(first.attempts, '2', 'delivered at the second try');
    assert.ok(listed.deliveries.some((d) => d.session_id === other.claims().sid));
    await assert.rejects(call('ListLogoutDeliveries', { client_id: "x' OR '1'='1" }, acme.key),
      (e) => e.code === 3);
  } finally {
    receiver.close();
  }
});
