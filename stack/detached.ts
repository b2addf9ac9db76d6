// `dualqa stack up` / `stack down`: servers in their own sessions that outlive the CLI, found again
// through stack.json by `stack status`, `stack down` and resolveStack in any later process.
import { BUCKETS } from '../lib/config';
import { formatS3Endpoint, parseS3Endpoint } from '../lib/s3';
import type { BucketSetupResult } from './buckets';
import { embeddedDatabaseInfo, embeddedS3Info, embeddedTemporalInfo, type StackInfo } from './endpoints';
import { credentialsFile, readCredentials, type StackCredentials } from './identities';
import { stackPaths } from './layout';
import { stopRecorded } from './ownership';
import { databaseCredentialsFile, databaseUrl, loadOrCreateDatabaseCredentials, stopPostgres } from './postgres';
import { isSameProcess, pidStartTime } from './proc';
import * as fs from 'node:fs';
import { removeSeaweedSockets } from './seaweed';
import { startServers, type StartStackOptions } from './start';
import { readStackState, removeStackState, writeStackState, type StackState } from './state';
import { stackStatus } from './status';

export interface DetachedStack {
  state: StackState;
  info: StackInfo;
  /** False when a healthy detached stack was already running and was left as it was. */
  started: boolean;
  setup?: BucketSetupResult;
}

function stateInfo(state: StackState, creds: StackCredentials): StackInfo {
  const db = state.postgres && fs.existsSync(databaseCredentialsFile(state.dataDir)) ? loadOrCreateDatabaseCredentials(state.dataDir) : undefined;
  return {
    temporal: embeddedTemporalInfo(state.temporal),
    s3: embeddedS3Info(parseS3Endpoint(state.s3.endpoint, state.s3.region), creds),
    ...(db && state.postgres ? { database: embeddedDatabaseInfo(databaseUrl(db, state.postgres.port)) } : {}),
    buckets: { ...BUCKETS },
    embedded: true,
  };
}

/**
 * Starts both servers in their own sessions (they outlive this process), logs to <dataDir>/logs, and
 * writes <dataDir>/stack.json. Returns the running one if it is already up and healthy.
 */
export async function startDetachedStack(options: StartStackOptions = {}): Promise<DetachedStack> {
  const paths = stackPaths(options.dataDir, options.name);
  const existing = readStackState({ dataDir: paths.dataDir });
  if (existing) {
    const status = await stackStatus({ dataDir: paths.dataDir });
    if (status.healthy) return { state: existing, info: stateInfo(existing, readCredentials(credentialsFile(paths.dataDir))), started: false };
    // Half up or stale: clear it and start afresh.
    await stopDetachedStack({ dataDir: paths.dataDir });
  }
  const started = await startServers(paths, options, { temporal: true, s3: true, postgres: true }, true);
  const t = started.temporal;
  const s = started.s3;
  const p = started.postgres;
  if (!t || !s || !p) throw new Error('internal: stack parts missing');
  const state: StackState = {
    version: 1,
    name: paths.name,
    dataDir: paths.dataDir,
    startedAt: new Date().toISOString(),
    temporal: {
      pid: t.process.pid,
      pidStart: pidStartTime(t.process.pid),
      address: t.address,
      namespace: t.namespace,
      port: t.port,
      ...(t.uiPort ? { uiPort: t.uiPort, uiUrl: t.uiUrl } : {}),
      dbFile: t.dbFile,
      logFile: paths.temporalLog,
    },
    s3: { pid: s.process.pid, pidStart: pidStartTime(s.process.pid), endpoint: formatS3Endpoint(s.endpoint), region: s.endpoint.region, ports: s.ports, dir: s.dir, logFile: paths.s3Log },
    postgres: { pid: p.process.pid, pidStart: pidStartTime(p.process.pid), port: p.port, dir: p.dir, logFile: paths.pgLog },
  };
  writeStackState(paths, state);
  return { state, info: stateInfo(state, started.creds), started: true, setup: started.setup };
}

/** Stops the detached stack (SIGTERM, PostgreSQL SIGINT; SIGKILL after 10 s) and waits until its PIDs are gone. */
export async function stopDetachedStack(options: { dataDir?: string } = {}): Promise<{ stopped: boolean; pids: number[] }> {
  const paths = stackPaths(options.dataDir, undefined);
  const state = readStackState({ dataDir: paths.dataDir });
  if (!state) return { stopped: false, pids: [] };
  // PostgreSQL gets a fast shutdown (SIGINT) first; SIGTERM would wait for its clients to leave.
  const pg = state.postgres && isSameProcess(state.postgres.pid, state.postgres.pidStart) ? state.postgres.pid : undefined;
  const [pids] = await Promise.all([stopRecorded([state.temporal, state.s3]), pg ? stopPostgres(pg) : Promise.resolve()]);
  if (pg) pids.push(pg);
  removeSeaweedSockets(state.s3.ports);
  removeStackState(paths);
  return { stopped: pids.length > 0, pids };
}
