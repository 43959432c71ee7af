// A Node.js client (@grpc/grpc-js + @grpc/proto-loader, loading proto/ as
// published) asks a real iamd on SQLite for decisions: Check and BatchCheck
// after an administrator attached a policy, errors as gRPC status codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const iamd = process.env.IAMD || path.join(repo, 'build/iam/server/iamd');

let server, dir, admin, authz, token;

function call(client, method, request) {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) =>
    client[method](request, md, (err, resp) => (err ? reject(err) : resolve(resp))));
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'iam-authz-interop-'));
  server = spawn(iamd, ['--listen', '127.0.0.1:0', '--data-dir', dir, '--http-listen', 'off',
    '--ready-file', path.join(dir, 'ready'), '--bootstrap-key-file', path.join(dir, 'key')],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100 && !existsSync(path.join(dir, 'ready')); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const address = readFileSync(path.join(dir, 'ready'), 'utf8').split('\n')[0].trim();
  token = readFileSync(path.join(dir, 'key'), 'utf8').trim();
  const opts = { includeDirs: [path.join(repo, 'proto')], keepCase: true, longs: String,
    enums: String, defaults: true };
  const iam = grpc.loadPackageDefinition(
    protoLoader.loadSync(['iam/v1/admin_service.proto', 'iam/v1/authz_service.proto'], opts)).iam.v1;
  admin = new iam.AdminService(address, grpc.credentials.createInsecure());
  authz = new iam.AuthzService(address, grpc.credentials.createInsecure());
  await call(admin, 'CreateUser', { username: 'reader' });
  await call(admin, 'CreatePolicy', {
    name: 'ReadReports',
    document: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }],
    }),
  });
  await call(admin, 'AttachPolicy', { policy: 'ReadReports', principal: { type: 'USER', name: 'reader' } });
});

after(() => {
  admin?.close();
  authz?.close();
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

test('Check answers the decision and the statement that made it', async () => {
  const allowed = await call(authz, 'Check', {
    principal: { username: 'reader' }, action: 's3:GetObject', resource: 'arn:aws:s3:::reports/q3.pdf',
  });
  assert.equal(allowed.decision, 'ALLOW');
  assert.equal(allowed.allowed, true);
  assert.match(allowed.reasons[0], /policy\/ReadReports@v1\.Statement\[0\]/);
  const denied = await call(authz, 'Check', {
    principal: { username: 'reader' }, action: 's3:DeleteObject', resource: 'arn:aws:s3:::reports/q3.pdf',
  });
  assert.equal(denied.decision, 'IMPLICIT_DENY');
  assert.equal(denied.allowed, false);
});

test('BatchCheck answers in order', async () => {
  const checks = [];
  for (let i = 0; i < 100; i++) {
    checks.push({ action: i % 2 ? 's3:PutObject' : 's3:GetObject', resource: `arn:aws:s3:::reports/${i}` });
  }
  const out = await call(authz, 'BatchCheck', { principal: { username: 'reader' }, checks });
  assert.equal(out.results.length, 100);
  out.results.forEach((r, i) => assert.equal(r.allowed, i % 2 === 0, `check ${i}`));
});

test('malformed and oversized requests are refused with their status', async () => {
  await assert.rejects(call(authz, 'Check', { principal: { username: 'reader' }, action: 'nonsense', resource: '*' }),
    (e) => e.code === grpc.status.INVALID_ARGUMENT && /action/.test(e.details));
  await assert.rejects(call(authz, 'Check', { principal: { username: 'ghost' }, action: 's3:GetObject', resource: '*' }),
    (e) => e.code === grpc.status.NOT_FOUND);
  const checks = Array.from({ length: 1001 }, () => ({ action: 's3:GetObject', resource: '*' }));
  await assert.rejects(call(authz, 'BatchCheck', { principal: { username: 'reader' }, checks }),
    (e) => e.code === grpc.status.INVALID_ARGUMENT && /at most 1000/.test(e.details));
});
