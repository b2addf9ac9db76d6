// The embedded Temporal dev server (`temporal server start-dev` on a SQLite file).
import * as fs from 'node:fs';
import * as path from 'node:path';

import { Connection } from '@temporalio/client';

import { NAMESPACE, SEARCH_ATTRIBUTE_TYPES } from '../temporal.config';
import { pickPort } from './ports';
import { findProcesses, spawnServer, stopProcess, waitUntilReady, type ServerProcess } from './proc';

export const LOOPBACK = '127.0.0.1';

/** The ports we choose for a dev server; the CLI picks its HTTP, metrics and internal ones itself. */
export interface TemporalPorts {
  port: number;
  /** Only with the Web UI. */
  uiPort?: number;
}

/** A frontend port and, with the UI, a UI port; each the `preferred` one when it is still free. */
export async function allocateTemporalPorts(ui: boolean | undefined, preferred?: TemporalPorts): Promise<TemporalPorts> {
  const port = await pickPort(preferred?.port);
  const uiPort = ui ? await pickPort(preferred?.uiPort) : undefined;
  return { port, uiPort };
}

export function temporalPortList(ports: TemporalPorts): number[] {
  return [ports.port, ...(ports.uiPort ? [ports.uiPort] : [])];
}

export interface TemporalServerOptions {
  binary: string;
  /** SQLite file; its folder is created. */
  dbFile: string;
  port: number;
  /** Serve the Web UI on uiPort (headless otherwise). */
  ui?: boolean;
  uiPort?: number;
  namespace?: string;
  logFile: string;
  detached?: boolean;
  searchAttributes?: Record<string, string>;
  /** Environment for the server; TEMPORAL_* variables are removed so they cannot change its flags. */
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

export interface RunningTemporal {
  address: string;
  namespace: string;
  uiUrl?: string;
  port: number;
  uiPort?: number;
  dbFile: string;
  process: ServerProcess;
  stop(): Promise<void>;
}

export function temporalArgs(options: TemporalServerOptions): string[] {
  const args = ['server', 'start-dev'];
  if (options.ui) {
    if (!options.uiPort) throw new Error('temporal: ui requested without a uiPort');
    args.push('--ui-port', String(options.uiPort), '--ui-disable-news-fetch');
  } else {
    args.push('--headless');
  }
  args.push(
    '--ip', LOOPBACK,
    '--db-filename', options.dbFile,
    '--port', String(options.port),
    '--namespace', options.namespace ?? NAMESPACE,
    '--log-level', 'warn',
  );
  for (const [name, type] of Object.entries(options.searchAttributes ?? SEARCH_ATTRIBUTE_TYPES)) {
    args.push('--search-attribute', `${name}=${type}`);
  }
  return args;
}

function serverEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (!key.startsWith('TEMPORAL_')) out[key] = value;
  return out;
}

/** Succeeds if the frontend answers SERVING and knows the namespace. */
export async function probeTemporal(address: string, namespace: string = NAMESPACE, timeoutMs = 2000): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: timeoutMs });
  try {
    const deadline = new Date(Date.now() + timeoutMs);
    const health = await connection.withDeadline(deadline, () => connection.healthService.check({}));
    // grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING
    const SERVING = 1;
    if (Number(health.status) !== SERVING) throw new Error(`health status ${String(health.status)}`);
    await connection.withDeadline(deadline, () => connection.workflowService.describeNamespace({ namespace }));
  } finally {
    await connection.close();
  }
}

/** Live `temporal server` processes using this SQLite file (another stack, or an orphan). */
export function temporalServersUsing(dbFile: string): number[] {
  const target = path.resolve(dbFile);
  return findProcesses((argv) => {
    const i = argv.indexOf('--db-filename');
    return i >= 0 && argv.includes('start-dev') && argv[i + 1] !== undefined && path.resolve(argv[i + 1] ?? '') === target;
  });
}

export async function startTemporal(options: TemporalServerOptions): Promise<RunningTemporal> {
  const namespace = options.namespace ?? NAMESPACE;
  const dbFile = path.resolve(options.dbFile);
  const users = temporalServersUsing(dbFile);
  if (users.length > 0) {
    throw new Error(`temporal: ${dbFile} is in use by pid ${users.join(', ')}; stop that server first (SQLite would fail with SQLITE_BUSY)`);
  }
  fs.mkdirSync(path.dirname(dbFile), { recursive: true });
  const proc = spawnServer({
    command: options.binary,
    args: temporalArgs({ ...options, dbFile }),
    env: serverEnv(options.env ?? process.env),
    logFile: options.logFile,
    detached: options.detached ?? false,
    cwd: path.dirname(dbFile),
  });
  const address = `${LOOPBACK}:${options.port}`;
  const stop = () => stopProcess(proc);
  try {
    await waitUntilReady('temporal dev server', proc, () => probeTemporal(address, namespace), options.readyTimeoutMs ?? 60_000, 200);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    address,
    namespace,
    uiUrl: options.ui ? `http://${LOOPBACK}:${options.uiPort}` : undefined,
    port: options.port,
    uiPort: options.ui ? options.uiPort : undefined,
    dbFile,
    process: proc,
    stop,
  };
}
