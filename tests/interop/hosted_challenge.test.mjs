// A hosted captcha in the login pages, against a siteverify endpoint on
// loopback standing in for the service (Turnstile's protocol): after two
// failures the login page carries the widget (its script allowed by the
// page's CSP, nothing else), the widget's response is checked server to
// server, once, and a service that answers no refuses the login.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import * as client from 'openid-client';
import { startIamd, grpcCaller } from './harness.mjs';

const PASSWORD = 'Correct-Horse-Battery-9';
let iam;
let verifier;
const seen = [];

before(async () => {
  verifier = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      seen.push(form);
      const ok = form.get('secret') === 'site-secret' && form.get('response') === 'human-1' &&
        seen.filter((f) => f.get('response') === 'human-1').length === 1;
      res.writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ success: ok }));
    });
  });
  await new Promise((r) => verifier.listen(0, '127.0.0.1', r));
  iam = await startIamd('iam-hosted-', ['--challenge-kind', 'hosted',
    '--challenge-verify-url', `http://127.0.0.1:${verifier.address().port}/siteverify`,
    '--challenge-script-url', 'https://captcha.example/api.js',
    '--challenge-site-key', 'site-key-1', '--fetch-private-networks', 'true'],
  { IAM_CHALLENGE_SECRET: 'site-secret' });
});

after(async () => {
  verifier?.close();
  await iam?.stop();
});

test('the widget after two failures; its response checked once, server to server', async () => {
  const call = grpcCaller(iam.address);
  const a = await call('admin', 'CreateAccount', { name: 'acme', admin_username: 'alice' }, iam.root);
  const key = a.admin_access_key_token;
  await call('admin', 'CreateUser', { username: 'carol' }, key);
  await call('admin', 'SetUserPassword', { username: 'carol', password: PASSWORD, permanent: true }, key);
  const lockout = JSON.parse((await call('admin', 'GetAccountPolicy', { kind: 'lockout' }, key)).document);
  await call('admin', 'SetAccountPolicy', { kind: 'lockout', document: JSON.stringify({ ...lockout,
    max_failures: 10, challenge_after_failures: 2, quick_login_check_ms: 0 }) }, key);
  await call('admin', 'CreateClient', { client_id: 'wiki', metadata: JSON.stringify({
    grant_types: ['authorization_code'], token_endpoint_auth_method: 'none',
    redirect_uris: ['https://wiki.example/cb'], scope: 'openid', first_party: true }) }, key);
  const issuer = `${iam.http}/accounts/${a.account.id}`;
  const config = await client.discovery(new URL(issuer), 'wiki', {}, client.None(),
    { execute: [client.allowInsecureRequests] });
  const url = client.buildAuthorizationUrl(config, { redirect_uri: 'https://wiki.example/cb',
    scope: 'openid', state: 's', code_challenge: await client.calculatePKCECodeChallenge(
      client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
  let cookie = '';
  const go = async (to, init = {}) => {
    const r = await fetch(new URL(to, iam.http), { ...init, redirect: 'manual',
      headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) } });
    for (const c of r.headers.getSetCookie()) cookie = c.split(';')[0];
    return { status: r.status, location: r.headers.get('location'), csp: r.headers.get('content-security-policy'), body: await r.text() };
  };
  const first = await go(url);
  const loginPath = first.location;
  let page = await go(loginPath);
  const post = async (fields) => {
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)[1];
    page = await go(loginPath, { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, username: 'carol', ...fields }).toString() });
    return page;
  };
  await post({ password: 'wrong-1' });
  await post({ password: 'wrong-2' });
  const asked = await post({ password: PASSWORD });
  assert.match(asked.body, /data-sitekey="site-key-1"/);
  assert.match(asked.body, /<script src="https:&#x2F;&#x2F;captcha.example&#x2F;api.js"|<script src="https:\/\/captcha.example\/api.js"/);
  assert.match(asked.csp, /script-src 'nonce-[^']+' https:\/\/captcha\.example;/);
  assert.match(asked.csp, /frame-src https:\/\/captcha\.example/);
  // A response the service refuses, then the human's, then it again.
  const refused = await post({ password: PASSWORD, 'cf-turnstile-response': 'robot' });
  assert.match(refused.body, /data-sitekey/);
  const passed = await post({ password: PASSWORD, 'cf-turnstile-response': 'human-1' });
  assert.equal(passed.status, 303);
  assert.match(passed.location, /^https:\/\/wiki\.example\/cb\?code=/);
  assert.ok(seen.some((f) => f.get('remoteip') === '127.0.0.1'));
  assert.ok(seen.every((f) => f.get('secret') === 'site-secret'));
});
