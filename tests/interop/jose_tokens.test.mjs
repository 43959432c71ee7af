// Interop: the `jose` library, as a relying party would use it, verifies
// iamd's access tokens against the HTTP JWKS endpoint, for each signing
// algorithm; refuses a tampered or expired token; and still verifies a token
// signed before a key rotation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';

const iamd = process.env.IAMD;
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const servers = [];

async function startIamd(alg) {
  const dir = mkdtempSync(path.join(tmpdir(), `iam-jose-${alg}-`));
  const proc = spawn(iamd, ['--listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0',
    '--data-dir', dir, '--token-signing-alg', alg, '--argon2-memory-kib', '1024',
    '--argon2-iterations', '1', '--ready-file', path.join(dir, 'ready'),
    '--bootstrap-key-file', path.join(dir, 'key')], { stdio: ['ignore', 'ignore', 'inherit'] });
  servers.push({ proc, dir });
  for (let i = 0; i < 100 && !existsSync(path.join(dir, 'ready')); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const [address, http] = readFileSync(path.join(dir, 'ready'), 'utf8').split('\n');
  const root = readFileSync(path.join(dir, 'key'), 'utf8').trim();
  const opts = { includeDirs: [path.join(repo, 'proto')], keepCase: true, longs: String,
    enums: String, defaults: true };
  const admin = grpc.loadPackageDefinition(protoLoader.loadSync('iam/v1/admin_service.proto', opts));
  const auth = grpc.loadPackageDefinition(protoLoader.loadSync('iam/v1/auth_service.proto', opts));
  const creds = grpc.credentials.createInsecure();
  const clients = { admin: new admin.iam.v1.AdminService(address, creds),
    auth: new auth.iam.v1.AuthService(address, creds) };
  const call = (svc, method, req, key) => new Promise((resolve, reject) => {
    const md = new grpc.Metadata();
    if (key) md.set('authorization', `Bearer ${key}`);
    clients[svc][method](req, md, (e, r) => (e ? reject(e) : resolve(r)));
  });
  return { http: http.trim(), root, call, clients };
}

after(() => {
  for (const { proc, dir } of servers) {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const alg of ['ES256', 'EdDSA', 'RS256']) {
  test(`jose verifies ${alg} tokens through the JWKS endpoint`, async () => {
    const s = await startIamd(alg);
    try {
      const acct = await s.call('admin', 'CreateAccount',
        { name: `jose-${alg.toLowerCase()}`, admin_username: 'alice' }, s.root);
      const key = acct.admin_access_key_token;
      await s.call('admin', 'SetUserPassword',
        { username: 'alice', password: 'jose-interop-password', permanent: true }, key);
      const login = async () => {
        const r = await s.call('auth', 'Login', { account: acct.account.id, username: 'alice',
          password: 'jose-interop-password', client_type: 'api' });
        assert.equal(r.status, 'LOGIN_STATUS_SUCCESS');
        return r.tokens.access_token;
      };
      const token = await login();
      const disc = await (await fetch(`${s.http}/.well-known/openid-configuration`)).json();
      assert.equal(disc.jwks_uri, `${disc.issuer}/.well-known/jwks.json`);
      const jwks = createRemoteJWKSet(new URL(disc.jwks_uri));
      const { payload, protectedHeader } = await jwtVerify(token, jwks,
        { issuer: disc.issuer, audience: 'iam', algorithms: [alg] });
      assert.equal(protectedHeader.alg, alg);
      assert.equal(payload.username, 'alice');
      assert.equal(payload.account, acct.account.id);
      assert.deepEqual(payload.amr, ['pwd']);
      assert.ok(payload.sid && payload.jti && payload.auth_time);

      // Tampered: one claim changed, the signature kept.
      const [h, p, sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url'));
      claims.username = 'mallory';
      const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
      await assert.rejects(jwtVerify(forged, jwks, { issuer: disc.issuer, audience: 'iam' }),
        { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
      // Expired: verified as of eleven minutes from now.
      await assert.rejects(jwtVerify(token, jwks, { issuer: disc.issuer, audience: 'iam',
        currentDate: new Date(Date.now() + 11 * 60 * 1000) }), { code: 'ERR_JWT_EXPIRED' });
      // Wrong audience.
      await assert.rejects(jwtVerify(token, jwks, { issuer: disc.issuer, audience: 'billing' }),
        { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });

      // Rotation: the old token still verifies, the new one is signed by a new kid.
      const rotated = await s.call('admin', 'RotateSigningKey', {}, s.root);
      const fresh = await login();
      assert.equal(decodeProtectedHeader(fresh).kid, rotated.kid);
      assert.notEqual(decodeProtectedHeader(token).kid, rotated.kid);
      const refetched = createRemoteJWKSet(new URL(disc.jwks_uri));
      await jwtVerify(token, refetched, { issuer: disc.issuer, audience: 'iam' });
      await jwtVerify(fresh, refetched, { issuer: disc.issuer, audience: 'iam' });
      const published = await (await fetch(disc.jwks_uri)).json();
      assert.equal(published.keys.length, 2);
      for (const k of published.keys) assert.equal(k.d, undefined, 'no private part');
    } finally {
      s.clients.admin.close();
      s.clients.auth.close();
    }
  });
}
