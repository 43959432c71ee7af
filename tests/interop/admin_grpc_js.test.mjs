// A Node.js client (@grpc/grpc-js + @grpc/proto-loader, loading proto/ as
// published) against a real iamd process on SQLite: create and read back a
// user, and see the server's errors as gRPC status codes.
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

let server, dir, client, token, address;

function call(method, request, key = token) {
  const md = new grpc.Metadata();
  if (key) md.set('authorization', `Bearer ${key}`);
  return new Promise((resolve, reject) =>
    client[method](request, md, (err, resp) => (err ? reject(err) : resolve(resp))));
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'iam-interop-'));
  server = spawn(iamd, ['--listen', '127.0.0.1:0', '--data-dir', dir,
    '--http-listen', '127.0.0.1:0', '--ready-file', path.join(dir, 'ready'), '--bootstrap-key-file', path.join(dir, 'key')],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100 && !existsSync(path.join(dir, 'ready')); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  address = readFileSync(path.join(dir, 'ready'), 'utf8').split('\n')[0].trim();
  token = readFileSync(path.join(dir, 'key'), 'utf8').trim();
  const def = protoLoader.loadSync('iam/v1/admin_service.proto', {
    includeDirs: [path.join(repo, 'proto')], keepCase: true, longs: String, enums: String,
    defaults: true,
  });
  const iam = grpc.loadPackageDefinition(def).iam.v1;
  client = new iam.AdminService(address, grpc.credentials.createInsecure());
});

after(() => {
  client?.close();
  server?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

test('creates a user and reads it back, with personal data masked', async () => {
  const created = await call('CreateUser', {
    username: 'node-user', display_name: 'Node Ü', email: 'node@example.com', phone: '+15550109999',
  });
  assert.equal(created.username, 'node-user');
  assert.equal(created.email, 'n***@example.com');
  assert.equal(created.state, 'USER_STATE_ACTIVE');
  const read = await call('GetUser', { username: 'node-user' });
  assert.equal(read.id, created.id);
  assert.equal(read.display_name, 'Node Ü');
  const clear = await call('GetUser', { username: 'node-user', reveal_pii: true });
  assert.equal(clear.email, 'node@example.com');
  const list = await call('ListUsers', { page_size: 10 });
  assert.ok(list.users.some((u) => u.id === created.id));
});

function loadLocal(file) {
  return grpc.loadPackageDefinition(protoLoader.loadSync(file, {
    includeDirs: [path.join(here, 'protos')], keepCase: true, enums: String, defaults: true,
  }));
}

test('the standard health service reports SERVING', async () => {
  const health = new (loadLocal('health.proto').grpc.health.v1.Health)(
    address, grpc.credentials.createInsecure());
  const resp = await new Promise((resolve, reject) =>
    health.Check({ service: '' }, (err, r) => (err ? reject(err) : resolve(r))));
  assert.equal(resp.status, 'SERVING');
  health.close();
});

test('server reflection lists the AdminService', async () => {
  const refl = new (loadLocal('reflection.proto').grpc.reflection.v1alpha.ServerReflection)(
    address, grpc.credentials.createInsecure());
  const names = await new Promise((resolve, reject) => {
    const call = refl.ServerReflectionInfo();
    call.on('data', (r) => {
      resolve(r.list_services_response.service.map((s) => s.name));
      call.end();
    });
    call.on('error', reject);
    call.write({ list_services: '*' });
  });
  assert.ok(names.includes('iam.v1.AdminService'), names.join(','));
  assert.ok(names.includes('grpc.health.v1.Health'), names.join(','));
  refl.close();
});

test('errors arrive as precise status codes', async () => {
  await assert.rejects(call('GetUser', { username: 'nobody' }),
    (e) => e.code === grpc.status.NOT_FOUND);
  await assert.rejects(call('CreateUser', { username: "x'; DROP TABLE users;--" }),
    (e) => e.code === grpc.status.INVALID_ARGUMENT && e.details.startsWith('username'));
  await assert.rejects(call('GetCallerIdentity', {}, 'AKIAAAAAAAAAAAAAAAAA.nope'),
    (e) => e.code === grpc.status.UNAUTHENTICATED);
});
