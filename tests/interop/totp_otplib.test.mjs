// Interop: TOTP codes from the npm `otplib` library (configured from the
// enrolment's otpauth:// URI, as an authenticator app would be) and from the
// Debian `oathtool` command are accepted by iamd's login flow; the same
// code twice is refused. Real clock, real iamd on SQLite.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { authenticator } from 'otplib';

const iamd = process.env.IAMD;
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const servers = [];

async function startIamd() {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-totp-'));
  const proc = spawn(iamd, ['--listen', '127.0.0.1:0', '--http-listen', 'off',
    '--data-dir', dir, '--argon2-memory-kib', '1024', '--argon2-iterations', '1',
    '--ready-file', path.join(dir, 'ready'), '--bootstrap-key-file', path.join(dir, 'key')],
  { stdio: ['ignore', 'ignore', 'inherit'] });
  servers.push({ proc, dir });
  for (let i = 0; i < 100 && !existsSync(path.join(dir, 'ready')); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const [address] = readFileSync(path.join(dir, 'ready'), 'utf8').split('\n');
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
  return { root, call, clients };
}

after(() => {
  for (const { proc, dir } of servers) {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});

const PASSWORD = 'harbour-lantern-41';

// Enrols `username` and sets the account to require MFA; answers the URI.
async function enrol(s, key, username, confirmWith) {
  await s.call('admin', 'CreateUser', { username }, key);
  await s.call('admin', 'SetUserPassword', { username, password: PASSWORD, permanent: true }, key);
  const login = await s.call('auth', 'Login', { account: 'acme', username, password: PASSWORD,
    device_id: 'node' });
  assert.equal(login.status, 'LOGIN_STATUS_SUCCESS');
  const token = login.tokens.access_token;
  const e = await s.call('auth', 'BeginTotpEnrollment', {}, token);
  const c = await s.call('auth', 'ConfirmTotpEnrollment', { code: confirmWith(e) }, token);
  assert.equal(c.recovery_codes.length, 10);
  return e;
}

async function loginWithCode(s, username, code) {
  const l = await s.call('auth', 'Login', { account: 'acme', username, password: PASSWORD,
    device_id: 'node' });
  assert.equal(l.status, 'LOGIN_STATUS_MFA_REQUIRED');
  return s.call('auth', 'VerifyMfa', { ticket: l.mfa_ticket, code });
}

// The code of the step after now: the confirming code's step is used up.
const nextStep = () => new Date(Date.now() + 30000);

test('codes from otplib and oathtool pass the login; a replay does not', async () => {
  const s = await startIamd();
  try {
    const acct = await s.call('admin', 'CreateAccount', { name: 'acme', admin_username: 'alice' },
      s.root);
    const key = acct.admin_access_key_token;

    // otplib reads the URI's parameters the way authenticator apps do.
    const uri1 = await enrol(s, key, 'ann', (e) => {
      const u = new URL(e.otpauth_uri);
      assert.equal(u.protocol, 'otpauth:');
      assert.equal(u.searchParams.get('issuer'), 'IAM');
      assert.equal(u.searchParams.get('algorithm'), 'SHA1');
      return authenticator.generate(u.searchParams.get('secret'));
    });
    const secret1 = new URL(uri1.otpauth_uri).searchParams.get('secret');
    // oathtool, from the secret printed with the URI.
    const uri2 = await enrol(s, key, 'ben', (e) =>
      execFileSync('oathtool', ['--totp', '-b', e.secret]).toString().trim());

    const doc = JSON.parse((await s.call('admin', 'GetAccountPolicy', { kind: 'mfa' }, key)).document);
    doc.mode = 'required';
    await s.call('admin', 'SetAccountPolicy', { kind: 'mfa', document: JSON.stringify(doc) }, key);

    authenticator.options = { epoch: nextStep().getTime() };
    const code1 = authenticator.generate(secret1);
    const ok1 = await loginWithCode(s, 'ann', code1);
    assert.equal(ok1.status, 'LOGIN_STATUS_SUCCESS', ok1.message);
    assert.ok(ok1.tokens.access_token);

    const when = nextStep().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
    const code2 = execFileSync('oathtool', ['--totp', '-b', uri2.secret, '--now', when])
      .toString().trim();
    const ok2 = await loginWithCode(s, 'ben', code2);
    assert.equal(ok2.status, 'LOGIN_STATUS_SUCCESS', ok2.message);

    // The same codes again: refused.
    assert.equal((await loginWithCode(s, 'ann', code1)).status, 'LOGIN_STATUS_MFA_REQUIRED');
    assert.equal((await loginWithCode(s, 'ben', code2)).status, 'LOGIN_STATUS_MFA_REQUIRED');
  } finally {
    s.clients.admin.close();
    s.clients.auth.close();
  }
});
