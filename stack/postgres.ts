// The embedded catalogue database: a real PostgreSQL server from the Debian `postgresql` package, one
// cluster per stack under <dataDir>/postgres/<name>, listening on loopback only with password (SCRAM)
// authentication. PostgreSQL refuses to run as root; when dualqa runs as root the stack creates a system
// user (dualqa-pg) and runs initdb and the server as that user. The password is generated once per data
// dir and kept in <dataDir>/database.json (0600), like the S3 credentials.
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { Client } from 'pg';

import { createPrivateFileOnce } from './identities';
import { spawnServer, stopProcess, waitUntilReady, type ServerProcess } from './proc';

export const LOOPBACK = '127.0.0.1';
export const PG_SYSTEM_USER = 'dualqa-pg';
export const PG_SUPERUSER = 'dualqa';
export const PG_DATABASE = 'dualqa';

export interface DatabaseCredentials {
  user: string;
  password: string;
  database: string;
}

export function databaseCredentialsFile(dataDir: string): string {
  return path.join(dataDir, 'database.json');
}

/** Reads <dataDir>/database.json, creating it (0600) with a fresh password on first use. */
export function loadOrCreateDatabaseCredentials(dataDir: string): DatabaseCredentials {
  const file = databaseCredentialsFile(dataDir);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const fresh: DatabaseCredentials = { user: PG_SUPERUSER, password: crypto.randomBytes(24).toString('base64url'), database: PG_DATABASE };
    createPrivateFileOnce(file, `${JSON.stringify(fresh, null, 2)}\n`);
  }
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DatabaseCredentials>;
  if (!parsed.user || !parsed.password || !parsed.database) throw new Error(`${file} is not a dualqa database credentials file`);
  return { user: parsed.user, password: parsed.password, database: parsed.database };
}

export function databaseUrl(creds: DatabaseCredentials, port: number, database = creds.database): string {
  return `postgres://${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}@${LOOPBACK}:${port}/${encodeURIComponent(database)}`;
}

/** The newest PostgreSQL server binaries: DUALQA_PG_BIN, else /usr/lib/postgresql/<version>/bin (Debian). */
export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DUALQA_PG_BIN) return env.DUALQA_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v) && fs.existsSync(path.join(root, v, 'bin', 'postgres'))) : [];
  if (versions.length === 0) throw new Error('PostgreSQL server not found in /usr/lib/postgresql/*/bin: install the Debian package `postgresql` (scripts/setup.sh does), or set DUALQA_DATABASE_URL');
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0]!;
  return path.join(root, newest, 'bin');
}

interface RunAs {
  uid: number;
  gid: number;
}

function idOf(flag: '-u' | '-g', user: string): number | undefined {
  const r = spawnSync('id', [flag, user], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}

/** As root: the dedicated system user (created once with useradd); otherwise the server runs as us. */
export function serverUser(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  if (idOf('-u', PG_SYSTEM_USER) === undefined) {
    const r = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--comment', 'dualqa embedded PostgreSQL', PG_SYSTEM_USER], { encoding: 'utf8' });
    // 9: created meanwhile by another starter.
    if (r.status !== 0 && r.status !== 9) throw new Error(`useradd ${PG_SYSTEM_USER} failed: ${r.stderr || r.error?.message}`);
  }
  const uid = idOf('-u', PG_SYSTEM_USER);
  const gid = idOf('-g', PG_SYSTEM_USER);
  if (uid === undefined || gid === undefined) throw new Error(`system user ${PG_SYSTEM_USER} not found after useradd`);
  return { uid, gid };
}

/**
 * The server user must reach its data folder: every folder above it needs search (x) permission for
 * others. Folders we own get o+x (search only: names cannot be listed, files keep their own modes).
 */
function allowTraversal(dir: string): void {
  const uid = process.getuid?.();
  for (let d = path.dirname(path.resolve(dir)); ; d = path.dirname(d)) {
    const st = fs.statSync(d);
    if ((st.mode & 0o001) === 0) {
      if (st.uid !== uid) throw new Error(`${d} is not searchable by ${PG_SYSTEM_USER}; give it o+x or choose another DUALQA_DATA_DIR`);
      fs.chmodSync(d, (st.mode & 0o7777) | 0o001);
    }
    if (d === path.dirname(d)) break;
  }
}

function run(command: string, args: string[], as: RunAs | undefined, what: string): void {
  const r = spawnSync(command, args, { encoding: 'utf8', ...(as ?? {}), env: serverEnv(process.env) });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal ?? r.error?.message}): ${(r.stderr || r.stdout || '').trim().split('\n').slice(-8).join('\n')}`);
}

function serverEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (!key.startsWith('PG') && value !== undefined) out[key] = value;
  out.LC_ALL = 'C.UTF-8';
  return out;
}

/** Creates the cluster in `dir` once (initdb as the server user, the superuser's password from a 0600 file removed afterwards). */
export function ensureCluster(dir: string, creds: DatabaseCredentials, binDir: string, as: RunAs | undefined): void {
  if (fs.existsSync(path.join(dir, 'PG_VERSION'))) return;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  if (as) allowTraversal(dir);
  // A half-made cluster (initdb interrupted) is made again.
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { mode: 0o700 });
  if (as) fs.chownSync(dir, as.uid, as.gid);
  const pwfile = path.join(path.dirname(dir), `.${path.basename(dir)}.pw.${process.pid}`);
  fs.writeFileSync(pwfile, `${creds.password}\n`, { mode: 0o600 });
  try {
    if (as) fs.chownSync(pwfile, as.uid, as.gid);
    run(path.join(binDir, 'initdb'), ['-D', dir, '-U', creds.user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C.UTF-8', '--no-instructions'], as, 'initdb');
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

export interface PostgresServerOptions {
  /** The cluster folder (PGDATA); made by initdb on first start. */
  dir: string;
  port: number;
  creds: DatabaseCredentials;
  logFile: string;
  detached?: boolean;
  readyTimeoutMs?: number;
}

export interface RunningPostgres {
  /** postgres://user:password@127.0.0.1:port/database — holds the password: never log it. */
  url: string;
  port: number;
  dir: string;
  process: ServerProcess;
  stop(): Promise<void>;
}

export function postgresArgs(dir: string, port: number): string[] {
  return [
    '-D', dir,
    '-p', String(port),
    '-c', `listen_addresses=${LOOPBACK}`,
    // TCP only: no socket in /var/run/postgresql (not ours) nor in the data dir (path length limits).
    '-c', 'unix_socket_directories=',
    '-c', 'max_connections=200',
    '-c', 'logging_collector=off',
  ];
}

/** Succeeds when the server accepts the superuser and runs a query. */
export async function probePostgres(url: string, timeoutMs = 2000): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the application database once (CREATE DATABASE cannot run inside a transaction or IF NOT EXISTS). */
async function ensureDatabase(creds: DatabaseCredentials, port: number): Promise<void> {
  const client = new Client({ connectionString: databaseUrl(creds, port, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [creds.database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${creds.database.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created meanwhile
      });
    }
  } finally {
    await client.end();
  }
}

/** Fast shutdown (SIGINT): open sessions are ended; SIGTERM would wait for every client to leave. */
export function stopPostgres(proc: ServerProcess | number): Promise<void> {
  return stopProcess(proc, 15_000, 'SIGINT');
}

export async function startPostgres(options: PostgresServerOptions): Promise<RunningPostgres> {
  const binDir = postgresBinDir();
  const as = serverUser();
  const dir = path.resolve(options.dir);
  ensureCluster(dir, options.creds, binDir, as);
  const proc = spawnServer({
    command: path.join(binDir, 'postgres'),
    args: postgresArgs(dir, options.port),
    env: serverEnv(process.env),
    logFile: options.logFile,
    detached: options.detached ?? false,
    cwd: dir,
    ...(as ?? {}),
  });
  const stop = () => stopPostgres(proc);
  const adminUrl = databaseUrl(options.creds, options.port, 'postgres');
  try {
    await waitUntilReady('postgresql', proc, () => probePostgres(adminUrl), options.readyTimeoutMs ?? 60_000, 200);
    await ensureDatabase(options.creds, options.port);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: databaseUrl(options.creds, options.port), port: options.port, dir, process: proc, stop };
}
