// What every interop test starts with: an iamd on loopback ports with a
// fresh store and cheap Argon2 (the tests measure behaviour, not hashing),
// and gRPC stubs that call it with an access key.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { sharedStore } from './store.mjs';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

// Starts process.env.IAMD with `args` added; resolves once it listens.
// Returns its gRPC address, HTTP URL, root access key, data directory and
// stop().
// The store is SQLite in the data directory, or, with IAM_INTEROP_STORE
// set, a new database on that MariaDB server or Galera cluster.
export async function startIamd(prefix, args = [], env = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const ready = path.join(dir, 'ready');
  const store = sharedStore(dir);
  const proc = spawn(process.env.IAMD, ['--listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0',
    ...store.primary, '--argon2-memory-kib', '1024', '--argon2-iterations', '1',
    '--ready-file', ready, '--bootstrap-key-file', path.join(dir, 'key'), ...args],
  { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...store.env, ...env } });
  for (let i = 0; i < 100 && !existsSync(ready); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const [address, http] = readFileSync(ready, 'utf8').split('\n').map((l) => l.trim());
  return {
    dir, address, http, proc,
    root: readFileSync(path.join(dir, 'key'), 'utf8').trim(),
    async stop() {
      if (proc.exitCode === null) {
        await new Promise((resolve) => { proc.once('exit', resolve); proc.kill('SIGTERM'); });
      }
      store.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// call('admin' | 'authz' | 'auth', method, request, key): a promise of
// the answer.
export function grpcCaller(address) {
  const opts = { includeDirs: [path.join(repo, 'proto')], keepCase: true, longs: String,
    enums: String, defaults: true };
  const load = (f) => grpc.loadPackageDefinition(protoLoader.loadSync(f, opts)).iam.v1;
  const creds = grpc.credentials.createInsecure();
  const stubs = { admin: new (load('iam/v1/admin_service.proto').AdminService)(address, creds),
    authz: new (load('iam/v1/authz_service.proto').AuthzService)(address, creds),
    auth: new (load('iam/v1/auth_service.proto').AuthService)(address, creds),
    audit: new (load('iam/v1/audit_service.proto').AuditService)(address, creds) };
  return (svc, method, req, key) => new Promise((resolve, reject) => {
    const md = new grpc.Metadata();
    if (key) md.set('authorization', `Bearer ${key}`);
    stubs[svc][method](req, md, (e, r) => (e ? reject(e) : resolve(r)));
  });
}
