// Interop: `openid-client` (a certified OpenID Connect / OAuth 2.0 client)
// finds an account's authorization server by discovery and obtains tokens
// with the client_credentials grant, authenticating with
// client_secret_basic, client_secret_post and private_key_jwt; `jose`
// verifies every token against the account's JWKS. Then what must be
// refused is: wrong, missing and other accounts' secrets, a disabled
// client, a client outside its address allowlist, a replayed assertion,
// malformed and oversized requests. The service account decides Check
// with its token. Introspection and revocation through openid-client, the
// revocation seen by a second replica within a second; dynamic client
// registration (RFC 7591/7592) gated by an initial access token.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify, generateKeyPair, exportJWK, SignJWT,
  calculateJwkThumbprint, base64url } from 'jose';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { sharedStore } from './store.mjs';
import { grpcCaller } from './harness.mjs';

const iamd = process.env.IAMD;
let proc;
let replica;  // a second iamd on the same SQLite file
let dir;
let http;
let http2;
let call;
let acme;  // { id, key }
let other; // another account
let store;
let keyServer;  // publishes clients' key sets (jwks_uri)

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'iam-oauth-'));
  store = sharedStore(dir);
  // --fetch-private-networks: the clients' jwks_uri in these tests is on
  // loopback; the replica keeps the default, which refuses it.
  proc = spawn(iamd, ['--listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0',
    ...store.primary, '--argon2-memory-kib', '1024', '--argon2-iterations', '1',
    '--fetch-private-networks', 'true', '--fetch-timeout-ms', '1000',
    '--ready-file', path.join(dir, 'ready'), '--bootstrap-key-file', path.join(dir, 'key')],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...store.env } });
  for (let i = 0; i < 100 && !existsSync(path.join(dir, 'ready')); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const [address, httpUrl] = readFileSync(path.join(dir, 'ready'), 'utf8').split('\n');
  http = httpUrl.trim();
  const root = readFileSync(path.join(dir, 'key'), 'utf8').trim();
  call = grpcCaller(address);
  const made = async (name) => {
    const a = await call('admin', 'CreateAccount', { name, admin_username: 'alice' }, root);
    return { id: a.account.id, key: a.admin_access_key_token };
  };
  acme = await made('acme');
  other = await made('globex');
  const dir2 = path.join(dir, 'replica');
  mkdirSync(dir2, { recursive: true });
  replica = spawn(iamd, ['--listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0',
    '--data-dir', dir2, ...store.replica, '--authz-poll-ms', '100',
    '--issuer', http,  // replicas behind one name share the issuer
    '--ready-file', path.join(dir2, 'ready')],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...store.env } });
  for (let i = 0; i < 100 && !existsSync(path.join(dir2, 'ready')); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  http2 = readFileSync(path.join(dir2, 'ready'), 'utf8').split('\n')[1].trim();
});

const stopped = (child) => (!child || child.exitCode !== null ? Promise.resolve()
  : new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); }));

after(async () => {
  await Promise.all([stopped(replica), stopped(proc)]);
  keyServer?.close();
  store?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const issuer = (account) => `${http}/accounts/${account.id}`;
const insecure = { execute: [client.allowInsecureRequests] };

async function createClient(account, clientId, metadata) {
  return call('admin', 'CreateClient',
    { client_id: clientId, metadata: JSON.stringify(metadata) }, account.key);
}

async function verify(token, account, audience) {
  const jwks = createRemoteJWKSet(new URL(`${issuer(account)}/jwks`));
  const { payload, protectedHeader } = await jwtVerify(token, jwks,
    { issuer: issuer(account), audience, typ: 'at+jwt' });
  assert.equal(protectedHeader.typ, 'at+jwt');
  return payload;
}

async function tokenRequest(account, body, headers = {}) {
  const r = await fetch(`${issuer(account)}/oauth2/token`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  return { status: r.status, headers: r.headers, body: await r.json().catch(() => null) };
}

// openid-client reports a 401 that carries a WWW-Authenticate challenge
// as a challenge error, with the response's body as its cause.
const invalidClient = (e) => e.error === 'invalid_client' ||
  (e.status === 401 && e.code === 'OAUTH_WWW_AUTHENTICATE_CHALLENGE');

const basic = (id, secret) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

test('discovery: OpenID Connect and RFC 8414 documents name the account issuer', async () => {
  const oidc = await client.discovery(new URL(issuer(acme)), 'x', undefined, undefined, insecure);
  assert.equal(oidc.serverMetadata().issuer, issuer(acme));
  assert.equal(oidc.serverMetadata().token_endpoint, `${issuer(acme)}/oauth2/token`);
  const rfc8414 = await client.discovery(new URL(issuer(acme)), 'x', undefined, undefined,
    { ...insecure, algorithm: 'oauth2' });
  assert.equal(rfc8414.serverMetadata().issuer, issuer(acme));
  const missing = await fetch(`${http}/accounts/999999999999/.well-known/openid-configuration`);
  assert.equal(missing.status, 404);
});

test('client_credentials with client_secret_basic: a token jose verifies', async () => {
  const made = await createClient(acme, 'reports', { grant_types: ['client_credentials'],
    scope: 'reports.read reports.write', audience: ['reports-api'] });
  assert.equal(made.client.service_account, 'service-account-reports');
  const config = await client.discovery(new URL(issuer(acme)), 'reports', made.client_secret,
    client.ClientSecretBasic(made.client_secret), insecure);
  const tokens = await client.clientCredentialsGrant(config, { scope: 'reports.read' });
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.equal(tokens.scope, 'reports.read');
  assert.ok(tokens.expires_in > 0 && tokens.expires_in <= 600);
  const claims = await verify(tokens.access_token, acme, 'reports-api');
  assert.equal(claims.client_id, 'reports');
  assert.equal(claims.username, 'service-account-reports');
  assert.equal(claims.account, acme.id);
  assert.equal(claims.scope, 'reports.read');
  assert.ok(claims.jti && claims.sub && !claims.sid);
  // No scope asked: every registered one.
  const all = await client.clientCredentialsGrant(config);
  assert.equal(all.scope, 'reports.read reports.write');
  // A scope or audience it was not given.
  await assert.rejects(client.clientCredentialsGrant(config, { scope: 'admin' }),
    (e) => e.error === 'invalid_scope');
  await assert.rejects(client.clientCredentialsGrant(config, { resource: 'https://other' }),
    (e) => e.error === 'invalid_target');
});

test('client_credentials with client_secret_post', async () => {
  const made = await createClient(acme, 'poster', { grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_post' });
  const config = await client.discovery(new URL(issuer(acme)), 'poster', made.client_secret,
    client.ClientSecretPost(made.client_secret), insecure);
  const tokens = await client.clientCredentialsGrant(config);
  const claims = await verify(tokens.access_token, acme, 'iam');
  assert.equal(claims.client_id, 'poster');
  // The registered method is the only one accepted.
  const viaBasic = await tokenRequest(acme, 'grant_type=client_credentials',
    { authorization: basic('poster', made.client_secret) });
  assert.equal(viaBasic.status, 401);
});

test('client_credentials with private_key_jwt; an assertion is accepted once', async () => {
  // openid-client signs with a WebCrypto key.
  const { publicKey, privateKey } = await crypto.subtle.generateKey(
    { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig' };
  await createClient(acme, 'signer', { grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
  const config = await client.discovery(new URL(issuer(acme)), 'signer', {},
    client.PrivateKeyJwt({ key: privateKey, kid: 'k1' }), insecure);
  const tokens = await client.clientCredentialsGrant(config);
  const claims = await verify(tokens.access_token, acme, 'iam');
  assert.equal(claims.client_id, 'signer');

  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ jti: 'once-only' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer('signer').setSubject('signer')
    .setAudience(issuer(acme)).setIssuedAt(now).setExpirationTime(now + 60).sign(privateKey);
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'signer',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion }).toString();
  assert.equal((await tokenRequest(acme, form)).status, 200);
  const replay = await tokenRequest(acme, form);
  assert.equal(replay.status, 401);
  assert.equal(replay.body.error, 'invalid_client');
  // Signed by another key.
  const stranger = (await generateKeyPair('ES256')).privateKey;
  const forged = await new SignJWT({ jti: 'forged' })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer('signer').setSubject('signer')
    .setAudience(issuer(acme)).setIssuedAt(now).setExpirationTime(now + 60).sign(stranger);
  const refused = await tokenRequest(acme, new URLSearchParams({ grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: forged }).toString());
  assert.equal(refused.status, 401);
});

test('private_key_jwt with keys published at a jwks_uri: fetched, cached, followed, refused when unreachable', async () => {
  // The client's own key server, on loopback.
  let published = { keys: [] };
  let hits = 0;
  keyServer = createServer((req, res) => {
    hits++;
    if (req.url === '/broken') { res.writeHead(500).end(); return; }
    res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'max-age=300' })
      .end(JSON.stringify(published));
  });
  await new Promise((r) => keyServer.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${keyServer.address().port}`;
  const pair = async (kid) => {
    const k = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true,
      ['sign', 'verify']);
    return { ...k, jwk: { ...(await exportJWK(k.publicKey)), kid, use: 'sig' } };
  };
  const k1 = await pair('2026-11');
  published = { keys: [k1.jwk] };
  await createClient(acme, 'published', { grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${base}/jwks.json` });
  const config = await client.discovery(new URL(issuer(acme)), 'published', {},
    client.PrivateKeyJwt({ key: k1.privateKey, kid: '2026-11' }), insecure);
  const tokens = await client.clientCredentialsGrant(config);
  assert.equal((await verify(tokens.access_token, acme, 'iam')).client_id, 'published');
  await client.clientCredentialsGrant(config);
  assert.equal(hits, 1, 'the key set is cached');

  // An assertion signed by a key the set does not hold: refused, after one
  // look for a rotation; more of them cause no more fetches.
  const stranger = await pair('2026-11');
  const forged = await client.discovery(new URL(issuer(acme)), 'published', {},
    client.PrivateKeyJwt({ key: stranger.privateKey, kid: '2026-11' }), insecure);
  for (let i = 0; i < 5; i++) {
    await assert.rejects(client.clientCredentialsGrant(forged), invalidClient);
  }
  assert.ok(hits <= 2, `the publisher was asked ${hits} times`);
  const metrics = await (await fetch(`${http}/metrics`)).text();
  assert.match(metrics, /^iam_client_jwks_fetches_total [12]$/m);

  // The replica keeps the default: a jwks_uri on a private address is not fetched.
  const onReplica = await fetch(`${http2}/accounts/${acme.id}/oauth2/token`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await new SignJWT({ jti: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'ES256', kid: '2026-11' }).setIssuer('published')
        .setSubject('published').setAudience(issuer(acme)).setIssuedAt()
        .setExpirationTime('1m').sign(k1.privateKey) }).toString() });
  assert.equal(onReplica.status, 401);
  assert.equal((await onReplica.json()).error, 'invalid_client');

  // A publisher that fails: no token, and the same answer as a wrong key.
  await createClient(acme, 'broken-keys', { grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${base}/broken` });
  const broken = await client.discovery(new URL(issuer(acme)), 'broken-keys', {},
    client.PrivateKeyJwt({ key: k1.privateKey, kid: '2026-11' }), insecure);
  await assert.rejects(client.clientCredentialsGrant(broken), invalidClient);
  // Registration refuses a jwks_uri that is neither https nor loopback http.
  await assert.rejects(createClient(acme, 'plain', { grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://keys.example/jwks' }),
  (e) => /jwks_uri/.test(e.details));
});

test('wrong, missing and other accounts\' secrets are invalid_client, 401 with WWW-Authenticate', async () => {
  const made = await createClient(acme, 'victim', { grant_types: ['client_credentials'] });
  const theirs = await createClient(other, 'victim', { grant_types: ['client_credentials'] });
  const wrong = await tokenRequest(acme, 'grant_type=client_credentials',
    { authorization: basic('victim', made.client_secret.slice(0, -1) + 'x') });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error, 'invalid_client');
  assert.match(wrong.headers.get('www-authenticate'), /^Basic /);
  assert.equal(wrong.headers.get('cache-control'), 'no-store');
  const missing = await tokenRequest(acme, 'grant_type=client_credentials&client_id=victim');
  assert.equal(missing.status, 401);
  // The same client_id in another account, with that account's secret.
  const crossed = await tokenRequest(acme, 'grant_type=client_credentials',
    { authorization: basic('victim', theirs.client_secret) });
  assert.equal(crossed.status, 401);
  // An unknown client reads exactly like a wrong secret.
  const unknown = await tokenRequest(acme, 'grant_type=client_credentials',
    { authorization: basic('nobody', made.client_secret) });
  assert.deepEqual(unknown.body, wrong.body);
  // The right one, for contrast.
  const ok = await tokenRequest(acme, 'grant_type=client_credentials',
    { authorization: basic('victim', made.client_secret) });
  assert.equal(ok.status, 200);
});

test('a rotated secret keeps working for its grace period only', async () => {
  const first = await createClient(acme, 'rotating', { grant_types: ['client_credentials'] });
  const second = await call('admin', 'RotateClientSecret',
    { client_id: 'rotating', grace_seconds: 3600 }, acme.key);
  for (const secret of [first.client_secret, second.client_secret]) {
    const r = await tokenRequest(acme, 'grant_type=client_credentials',
      { authorization: basic('rotating', secret) });
    assert.equal(r.status, 200);
  }
  const third = await call('admin', 'RotateClientSecret', { client_id: 'rotating' }, acme.key);
  for (const secret of [first.client_secret, second.client_secret]) {
    const r = await tokenRequest(acme, 'grant_type=client_credentials',
      { authorization: basic('rotating', secret) });
    assert.equal(r.status, 401);
  }
  const r = await tokenRequest(acme, 'grant_type=client_credentials',
    { authorization: basic('rotating', third.client_secret) });
  assert.equal(r.status, 200);
});

test('a disabled client and a client outside its allowlist get no token', async () => {
  const made = await createClient(acme, 'switch', { grant_types: ['client_credentials'] });
  const auth = { authorization: basic('switch', made.client_secret) };
  assert.equal((await tokenRequest(acme, 'grant_type=client_credentials', auth)).status, 200);
  await call('admin', 'UpdateClient', { client_id: 'switch', enabled: false }, acme.key);
  assert.equal((await tokenRequest(acme, 'grant_type=client_credentials', auth)).status, 401);
  await call('admin', 'UpdateClient', { client_id: 'switch', enabled: true }, acme.key);
  assert.equal((await tokenRequest(acme, 'grant_type=client_credentials', auth)).status, 200);

  const far = await createClient(acme, 'far', { grant_types: ['client_credentials'],
    allowed_cidrs: ['10.0.0.0/8', '2001:db8::/32'] });
  const farAuth = { authorization: basic('far', far.client_secret) };
  assert.equal((await tokenRequest(acme, 'grant_type=client_credentials', farAuth)).status, 401);
  await call('admin', 'UpdateClient', { client_id: 'far',
    metadata: JSON.stringify({ grant_types: ['client_credentials'], allowed_cidrs: ['127.0.0.0/8'] }) },
  acme.key);
  assert.equal((await tokenRequest(acme, 'grant_type=client_credentials', farAuth)).status, 200);
  // A disabled service account stops its client's tokens too.
  await call('admin', 'DisableUser', { username: 'service-account-far' }, acme.key);
  const r = await tokenRequest(acme, 'grant_type=client_credentials', farAuth);
  assert.equal(r.status, 400);
  assert.equal(r.body.error, 'unauthorized_client');
});

test('malformed, hostile and oversized requests get 4xx and change nothing', async () => {
  const made = await createClient(acme, 'robust', { grant_types: ['client_credentials'] });
  const auth = { authorization: basic('robust', made.client_secret) };
  const cases = [
    ['grant_type=client_credentials&grant_type=client_credentials', 400, 'invalid_request'],
    ['grant_type=client_%ZZcredentials', 400, 'invalid_request'],
    ['grant_type=%FF%FE', 400, 'invalid_request'],
    ['scope=read', 400, 'invalid_request'],
    ["grant_type=client_credentials&scope=' OR 1=1 --", 400, 'invalid_scope'],
    ['grant_type=urn:x', 400, 'unsupported_grant_type'],
  ];
  for (const [body, status, error] of cases) {
    const r = await tokenRequest(acme, body, auth);
    assert.equal(r.status, status, body);
    assert.equal(r.body.error, error, body);
  }
  const json = await fetch(`${issuer(acme)}/oauth2/token`, { method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: '{"grant_type":"client_credentials"}' });
  assert.equal(json.status, 400);
  const huge = await fetch(`${issuer(acme)}/oauth2/token`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth },
    body: `grant_type=client_credentials&scope=${'a'.repeat(200000)}` }).catch((e) => e);
  assert.ok(huge instanceof Error || huge.status === 413, `got ${huge.status}`);
  // fetch joins repeated headers into one, which is no Basic credential.
  const twoAuth = await fetch(`${issuer(acme)}/oauth2/token`, { method: 'POST',
    headers: [['content-type', 'application/x-www-form-urlencoded'],
      ['authorization', auth.authorization], ['authorization', auth.authorization]],
    body: 'grant_type=client_credentials' });
  assert.equal(twoAuth.status, 401);
  const bad = await tokenRequest(acme, 'grant_type=client_credentials',
    { authorization: 'Basic !!!notbase64' });
  assert.equal(bad.status, 401);
  assert.equal((await fetch(`${http}/accounts/acme/oauth2/token`, { method: 'POST' })).status, 404);
  // Still serving, and the client unchanged.
  assert.equal((await tokenRequest(acme, 'grant_type=client_credentials', auth)).status, 200);
});

test('Check decides for the service account with its token', async () => {
  const made = await createClient(acme, 'billing', { grant_types: ['client_credentials'] });
  await call('admin', 'CreatePolicy', { name: 'ReadInvoices', document: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::invoices/*' }] }) },
  acme.key);
  await call('admin', 'AttachPolicy',
    { policy: 'ReadInvoices', principal: { type: 'USER', name: 'service-account-billing' } }, acme.key);
  const r = await tokenRequest(acme, 'grant_type=client_credentials',
    { authorization: basic('billing', made.client_secret) });
  assert.equal(r.status, 200);
  const allowed = await call('authz', 'Check', { token: r.body.access_token,
    action: 's3:GetObject', resource: 'arn:aws:s3:::invoices/2026/11.pdf' }, acme.key);
  assert.equal(allowed.allowed, true);
  assert.equal(allowed.principal_arn, `arn:aws:iam::${acme.id}:user/service-account-billing`);
  const denied = await call('authz', 'Check', { token: r.body.access_token,
    action: 's3:PutObject', resource: 'arn:aws:s3:::invoices/2026/11.pdf' }, acme.key);
  assert.equal(denied.allowed, false);
  // Deleting the client deletes its service account: the token decides nothing.
  await call('admin', 'DeleteClient', { client_id: 'billing' }, acme.key);
  const gone = await call('authz', 'Check', { token: r.body.access_token,
    action: 's3:GetObject', resource: 'arn:aws:s3:::invoices/2026/11.pdf' }, acme.key)
    .catch((e) => e);
  assert.ok(gone instanceof Error || gone.allowed === false);
});

test('introspection for authenticated clients; revocation by the token\'s client, seen by a replica', async () => {
  const issued = await createClient(acme, 'worker', { grant_types: ['client_credentials'],
    scope: 'jobs.run', audience: ['jobs-api'] });
  const api = await createClient(acme, 'jobs-api', { grant_types: ['client_credentials'] });
  const worker = await client.discovery(new URL(issuer(acme)), 'worker', issued.client_secret,
    client.ClientSecretBasic(issued.client_secret), insecure);
  const resource = await client.discovery(new URL(issuer(acme)), 'jobs-api', api.client_secret,
    client.ClientSecretBasic(api.client_secret), insecure);
  const { access_token: token } = await client.clientCredentialsGrant(worker);

  const seen = await client.tokenIntrospection(resource, token);
  assert.equal(seen.active, true);
  assert.equal(seen.client_id, 'worker');
  assert.equal(seen.scope, 'jobs.run');
  assert.equal(seen.aud, 'jobs-api');
  assert.equal(seen.username, 'service-account-worker');
  assert.equal(seen.token_type, 'Bearer');
  assert.equal((await client.tokenIntrospection(resource, 'not-a-token')).active, false);
  // The same token at another account's endpoint is nobody's there.
  const globex = await createClient(other, 'rs', { grant_types: ['client_credentials'] });
  const r = await fetch(`${issuer(other)}/oauth2/introspect`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded',
      authorization: basic('rs', globex.client_secret) },
    body: `token=${token}` });
  assert.deepEqual(await r.json(), { active: false });
  // Without client authentication: refused.
  const anonymous = await fetch(`${issuer(acme)}/oauth2/introspect`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
  assert.equal(anonymous.status, 401);

  // The second replica answers for the same token.
  const onReplica = (body) => fetch(`${http2}/accounts/${acme.id}/oauth2/introspect`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded',
      authorization: basic('jobs-api', api.client_secret) }, body });
  assert.equal((await (await onReplica(`token=${token}`)).json()).active, true);

  // Only the client the token was issued to may revoke it.
  const notYours = await fetch(`${issuer(acme)}/oauth2/revoke`, { method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded',
      authorization: basic('jobs-api', api.client_secret) }, body: `token=${token}` });
  assert.equal(notYours.status, 400);
  assert.equal((await notYours.json()).error, 'unauthorized_client');
  await client.tokenRevocation(worker, token);
  await client.tokenRevocation(worker, 'garbage');  // RFC 7009: no error
  assert.equal((await client.tokenIntrospection(resource, token)).active, false);
  const revokedAt = Date.now();
  let active = true;
  while (active && Date.now() - revokedAt < 1000) {
    active = (await (await onReplica(`token=${token}`)).json()).active;
    if (active) await new Promise((res) => setTimeout(res, 50));
  }
  assert.equal(active, false, 'the replica still says active a second after the revocation');
  // Check refuses it too.
  const check = await call('authz', 'Check', { token, audience: 'jobs-api',
    action: 's3:GetObject', resource: '*' }, acme.key);
  assert.equal(check.allowed, false);
});

test('dynamic client registration with an initial access token, and RFC 7592 management', async () => {
  const iat = await call('admin', 'CreateInitialAccessToken', { uses: 1, ttl_seconds: 600 },
    acme.key);
  const registered = await client.dynamicClientRegistration(new URL(issuer(acme)),
    { grant_types: ['client_credentials'], client_name: 'Registered App', scope: 'a b',
      token_endpoint_auth_method: 'client_secret_post' },
    undefined, { ...insecure, initialAccessToken: iat.secret });
  const meta = registered.clientMetadata();
  assert.match(meta.client_id, /^dcr-[0-9a-f]{24}$/);
  assert.ok(meta.client_secret && meta.registration_access_token && meta.registration_client_uri);
  assert.equal(meta.client_name, 'Registered App');
  const tokens = await client.clientCredentialsGrant(registered);
  const claims = await verify(tokens.access_token, acme, 'iam');
  assert.equal(claims.client_id, meta.client_id);

  // The token had one use.
  const again = await fetch(`${issuer(acme)}/oauth2/register`, { method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${iat.secret}` },
    body: JSON.stringify({ grant_types: ['client_credentials'] }) });
  assert.equal(again.status, 401);
  assert.equal((await again.json()).error, 'invalid_token');
  const none = await fetch(`${issuer(acme)}/oauth2/register`, { method: 'POST',
    headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(none.status, 401);
  // Bad metadata is refused before the token is spent.
  const iat2 = await call('admin', 'CreateInitialAccessToken', { uses: 1 }, acme.key);
  const reg = (body) => fetch(`${issuer(acme)}/oauth2/register`, { method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${iat2.secret}` },
    body });
  const badUri = await reg(JSON.stringify({ grant_types: ['refresh_token'],
    token_endpoint_auth_method: 'none', redirect_uris: ['javascript:alert(1)'] }));
  assert.equal(badUri.status, 400);
  assert.equal((await badUri.json()).error, 'invalid_redirect_uri');
  const badMeta = await reg(JSON.stringify({ grant_types: ['password'] }));
  assert.equal((await badMeta.json()).error, 'invalid_client_metadata');
  const badContact = await reg(JSON.stringify({ grant_types: ['client_credentials'],
    contacts: ['not an email'] }));
  assert.equal((await badContact.json()).error, 'invalid_client_metadata');
  assert.equal((await reg('{not json')).status, 400);
  // RFC 7591's informational fields are kept and returned.
  const informed = await reg(JSON.stringify({ grant_types: ['client_credentials'],
    logo_uri: 'https://app.example/logo.png', contacts: ['ops@app.example'],
    software_id: 'app-4f1c', software_version: '2.1.0' }));
  assert.equal(informed.status, 201);
  const body = await informed.json();
  assert.equal(body.logo_uri, 'https://app.example/logo.png');
  assert.deepEqual(body.contacts, ['ops@app.example']);
  assert.equal(body.software_version, '2.1.0');

  // RFC 7592: read, replace, delete with the registration access token.
  const uri = meta.registration_client_uri;
  const manage = (method, token, body) => fetch(uri, { method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
  const read = await manage('GET', meta.registration_access_token);
  assert.equal(read.status, 200);
  assert.equal((await read.json()).client_id, meta.client_id);
  assert.equal((await manage('GET', 'wrong-token')).status, 401);
  const replaced = await manage('PUT', meta.registration_access_token, JSON.stringify({
    client_id: meta.client_id, grant_types: ['client_credentials'], scope: 'a',
    token_endpoint_auth_method: 'client_secret_post' }));
  assert.equal(replaced.status, 200);
  assert.equal((await replaced.json()).scope, 'a');
  assert.equal((await manage('DELETE', meta.registration_access_token)).status, 204);
  assert.equal((await manage('GET', meta.registration_access_token)).status, 401);
  // Every change is in the audit log.
  const log = await call('admin', 'ListClients', {}, acme.key);
  assert.ok(!log.clients.some((c) => c.client_id === meta.client_id));
});

test('token exchange: a user\'s login token for another audience, refresh rotation and reuse', async () => {
  await call('admin', 'CreateUser', { username: 'carol' }, acme.key);
  await call('admin', 'SetUserPassword',
    { username: 'carol', password: 'Exchange-Horse-Battery-7', permanent: true }, acme.key);
  const login = await call('auth', 'Login', { account: acme.id, username: 'carol',
    password: 'Exchange-Horse-Battery-7', client_type: 'web' });
  assert.equal(login.status, 'LOGIN_STATUS_SUCCESS');
  const userToken = login.tokens.access_token;

  const gateway = await createClient(acme, 'gateway', {
    grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange', 'refresh_token'],
    audience: ['orders-api', 'billing-api'], scope: 'orders.read orders.write' });
  const config = await client.discovery(new URL(issuer(acme)), 'gateway', gateway.client_secret,
    client.ClientSecretBasic(gateway.client_secret), insecure);
  const exchange = (params) => client.genericGrantRequest(config,
    'urn:ietf:params:oauth:grant-type:token-exchange', params);
  const out = await exchange({ subject_token: userToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    audience: 'orders-api', scope: 'orders.read' });
  assert.equal(out.issued_token_type, 'urn:ietf:params:oauth:token-type:access_token');
  const claims = await verify(out.access_token, acme, 'orders-api');
  assert.equal(claims.username, 'carol');
  assert.equal(claims.client_id, 'gateway');
  assert.equal(claims.scope, 'orders.read');
  assert.deepEqual(claims.amr, ['pwd']);
  assert.ok(claims.sid, 'bound to the login session');
  assert.ok(out.refresh_token);

  // The service acting for carol says so with an actor token.
  const svc = await createClient(acme, 'orders-svc', { grant_types: ['client_credentials'] });
  const actor = await tokenRequest(acme, 'grant_type=client_credentials',
    { authorization: basic('orders-svc', svc.client_secret) });
  const acting = await exchange({ subject_token: userToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    actor_token: actor.body.access_token,
    actor_token_type: 'urn:ietf:params:oauth:token-type:access_token', audience: 'billing-api' });
  const actClaims = await verify(acting.access_token, acme, 'billing-api');
  assert.equal(actClaims.act.client_id, 'orders-svc');
  assert.equal(actClaims.sub, claims.sub);

  // Revoking one token of the session ends that token alone.
  const spare = await exchange({ subject_token: userToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:access_token', audience: 'orders-api' });
  await client.tokenRevocation(config, spare.access_token);
  assert.equal((await client.tokenIntrospection(config, spare.access_token)).active, false);
  assert.equal((await client.tokenIntrospection(config, out.access_token)).active, true);

  // What may not be had.
  await assert.rejects(exchange({ subject_token: userToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:access_token', audience: 'payroll' }),
  (e) => e.error === 'invalid_target');
  await assert.rejects(exchange({ subject_token: userToken.slice(0, -4) + 'AAAA',
    subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' }),
  (e) => e.error === 'invalid_grant');
  await assert.rejects(exchange({ subject_token: userToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' }),
  (e) => e.error === 'invalid_request');
  const notAllowed = await tokenRequest(acme, new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', subject_token: userToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' }).toString(),
  { authorization: basic('orders-svc', svc.client_secret) });
  assert.equal(notAllowed.body.error, 'unauthorized_client');

  // Refresh: rotated at each use; the old one presented again ends it all.
  const first = await client.refreshTokenGrant(config, out.refresh_token);
  assert.notEqual(first.refresh_token, out.refresh_token);
  const refreshed = await verify(first.access_token, acme, 'orders-api');
  assert.equal(refreshed.scope, 'orders.read');
  assert.equal(refreshed.sid, claims.sid);
  // Another client cannot use it.
  const stolen = await tokenRequest(acme, new URLSearchParams({ grant_type: 'refresh_token',
    refresh_token: first.refresh_token }).toString(),
  { authorization: basic('orders-svc', svc.client_secret) });
  assert.equal(stolen.body.error, 'unauthorized_client');
  await assert.rejects(client.refreshTokenGrant(config, out.refresh_token),
    (e) => e.error === 'invalid_grant');
  // The family and the session are gone: the newest refresh token, the
  // exchanged tokens and carol's own login token with them.
  await assert.rejects(client.refreshTokenGrant(config, first.refresh_token),
    (e) => e.error === 'invalid_grant');
  const after = await client.tokenIntrospection(config, first.access_token);
  assert.equal(after.active, false);
  const verified = await call('auth', 'VerifyToken', { token: userToken });
  assert.equal(verified.valid, false);
  assert.equal(verified.session_state, 'revoked');
});

async function dpopProof(privateKey, publicJwk, htm, htu, accessToken) {
  const claims = { jti: crypto.randomUUID(), htm, htu, iat: Math.floor(Date.now() / 1000) };
  if (accessToken) {
    claims.ath = base64url.encode(createHash('sha256').update(accessToken).digest());
  }
  return new SignJWT(claims).setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk })
    .sign(privateKey);
}

test('DPoP: tokens bound to the client\'s key, proofs accepted once, bound tokens useless without one', async () => {
  const made = await createClient(acme, 'mobile-backend', { grant_types: ['client_credentials'] });
  await call('admin', 'AttachPolicy', { policy: 'ReadInvoices',
    principal: { type: 'USER', name: 'service-account-mobile-backend' } }, acme.key)
    .catch(async () => {
      await call('admin', 'CreatePolicy', { name: 'ReadInvoices', document: JSON.stringify({
        Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::invoices/*' }] }) }, acme.key);
      await call('admin', 'AttachPolicy', { policy: 'ReadInvoices',
        principal: { type: 'USER', name: 'service-account-mobile-backend' } }, acme.key);
    });
  const config = await client.discovery(new URL(issuer(acme)), 'mobile-backend', made.client_secret,
    client.ClientSecretBasic(made.client_secret), insecure);
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true,
    ['sign', 'verify']);
  const publicJwk = await exportJWK(keys.publicKey);
  const tokens = await client.clientCredentialsGrant(config, {},
    { DPoP: client.getDPoPHandle(config, keys) });
  assert.equal(tokens.token_type.toLowerCase(), 'dpop');
  const claims = await verify(tokens.access_token, acme, 'iam');
  assert.equal(claims.cnf.jkt, await calculateJwkThumbprint(publicJwk));
  const seen = await client.tokenIntrospection(config, tokens.access_token);
  assert.equal(seen.token_type, 'DPoP');
  assert.equal(seen.cnf.jkt, claims.cnf.jkt);

  // A proof is good once.
  const endpoint = `${issuer(acme)}/oauth2/token`;
  const proof = await dpopProof(keys.privateKey, publicJwk, 'POST', endpoint);
  const auth = { authorization: basic('mobile-backend', made.client_secret) };
  const first = await tokenRequest(acme, 'grant_type=client_credentials', { ...auth, dpop: proof });
  assert.equal(first.status, 200);
  assert.equal(first.body.token_type, 'DPoP');
  const replay = await tokenRequest(acme, 'grant_type=client_credentials', { ...auth, dpop: proof });
  assert.equal(replay.status, 400);
  assert.equal(replay.body.error, 'invalid_dpop_proof');
  // For another URI, stale, or garbage: refused.
  for (const bad of [await dpopProof(keys.privateKey, publicJwk, 'POST', 'https://elsewhere/token'),
    await dpopProof(keys.privateKey, publicJwk, 'GET', endpoint), 'not.a.proof']) {
    const r = await tokenRequest(acme, 'grant_type=client_credentials', { ...auth, dpop: bad });
    assert.equal(r.body.error, 'invalid_dpop_proof');
  }
  // A client registered for bound tokens gets none without a proof.
  const strict = await createClient(acme, 'strict', { grant_types: ['client_credentials'],
    dpop_bound_access_tokens: true });
  const bare = await tokenRequest(acme, 'grant_type=client_credentials',
    { authorization: basic('strict', strict.client_secret) });
  assert.equal(bare.body.error, 'invalid_dpop_proof');

  // Check: the bound token decides only with a fresh proof of its key.
  const token = tokens.access_token;
  const api = 'https://api.example/invoices/1';
  const check = (extra) => call('authz', 'Check', { token, action: 's3:GetObject',
    resource: 'arn:aws:s3:::invoices/1.pdf', ...extra }, acme.key);
  const without = await check({});
  assert.equal(without.allowed, false);
  assert.match(without.reasons.join(' '), /DPoP/);
  const good = await dpopProof(keys.privateKey, publicJwk, 'GET', api, token);
  assert.equal((await check({ dpop_proof: good, http_method: 'GET', http_uri: api })).allowed, true);
  assert.equal((await check({ dpop_proof: good, http_method: 'GET', http_uri: api })).allowed, false);
  const otherKeys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true,
    ['sign', 'verify']);
  const thief = await dpopProof(otherKeys.privateKey, await exportJWK(otherKeys.publicKey), 'GET',
    api, token);
  assert.equal((await check({ dpop_proof: thief, http_method: 'GET', http_uri: api })).allowed,
    false);
  const noAth = await dpopProof(keys.privateKey, publicJwk, 'GET', api);
  assert.equal((await check({ dpop_proof: noAth, http_method: 'GET', http_uri: api })).allowed,
    false);
  // As a bearer credential on the admin API it is worth nothing.
  await assert.rejects(call('admin', 'GetCallerIdentity', {}, token), (e) => e.code === 16);
});
