// The store two iamd replicas share in an interop test: by default a
// SQLite file in the test's directory; with IAM_INTEROP_STORE set to a
// mysql:// URL (one host, or a Galera cluster's hosts), a new database on
// that server, dropped at the end. On a cluster the replica reads from
// another node than the primary, so what it sees has crossed the cluster.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

function parseMysql(url) {
  const m = /^mysql:\/\/([^:@]+):([^@]*)@([^/]+)\/([^?]*)(\?.*)?$/.exec(url);
  if (!m) throw new Error('IAM_INTEROP_STORE is not a mysql:// URL');
  const hosts = m[3].split(',').map((h) => { const [host, port] = h.split(':'); return { host, port }; });
  return { user: decodeURIComponent(m[1]), password: decodeURIComponent(m[2]), hosts, raw: m };
}

function sql(conn, statement) {
  const { host, port } = conn.hosts[0];
  execFileSync('mariadb', ['--no-defaults', '-h', host, '-P', port, '-u', conn.user,
    '-e', statement], { env: { ...process.env, MYSQL_PWD: conn.password }, stdio: 'pipe' });
}

export function sharedStore(dir) {
  const url = process.env.IAM_INTEROP_STORE;
  if (!url) {
    return {
      name: 'sqlite',
      env: {},
      primary: ['--data-dir', dir],
      replica: ['--store', `sqlite://${path.join(dir, 'iam.db')}`,
        '--master-key-file', path.join(dir, 'master.key')],
      drop() {},
    };
  }
  const conn = parseMysql(url);
  const db = `iam_i_${randomBytes(6).toString('hex')}`;
  sql(conn, `CREATE DATABASE ${db}`);
  const base = `mysql://${conn.raw[1]}:${conn.raw[2]}@${conn.raw[3]}/${db}`;
  const other = conn.hosts[1 % conn.hosts.length];
  return {
    name: conn.hosts.length > 1 ? 'galera' : 'mariadb',
    // Replicas sharing a server are given the same master key.
    env: { IAM_MASTER_KEY: randomBytes(32).toString('hex') },
    primary: ['--data-dir', dir, '--store', base],
    replica: ['--store', conn.hosts.length > 1
      ? `${base}?read_host=${other.host}:${other.port}&host_retry_ms=500` : base],
    drop() { try { sql(conn, `DROP DATABASE ${db}`); } catch { /* the server is gone */ } },
  };
}
