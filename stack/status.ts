// Whether the servers stack.json records still run and answer: a live PID is not enough (a server can
// hang or lose its files), so each part is asked with the same probe that gates its startup.
import * as fs from 'node:fs';

import { parseS3Endpoint } from '../lib/s3';
import { credentialsFile, readCredentials } from './identities';
import { stackPaths } from './layout';
import { isSameProcess, sleep } from './proc';
import { databaseCredentialsFile, databaseUrl, loadOrCreateDatabaseCredentials, probePostgres } from './postgres';
import { probeSeaweed } from './seaweed';
import { readStackState, type RecordedServer, type StackState } from './state';
import { probeTemporal } from './temporal';

export interface PartStatus {
  pid: number;
  alive: boolean;
  healthy: boolean;
  error?: string;
}

export interface StackStatus {
  state?: StackState;
  temporal?: PartStatus;
  s3?: PartStatus;
  postgres?: PartStatus;
  /** Every part answers its probe. */
  healthy: boolean;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function partStatus(server: RecordedServer, probe: () => Promise<void>): Promise<PartStatus> {
  const { pid } = server;
  const alive = isSameProcess(pid, server.pidStart);
  if (!alive) return { pid, alive, healthy: false, error: 'not running' };
  try {
    await probe();
    return { pid, alive, healthy: true };
  } catch (error) {
    return { pid, alive, healthy: false, error: message(error) };
  }
}

/** Probes the detached stack of a data dir (Temporal health + namespace, an authenticated S3 call, a PostgreSQL query). */
export async function stackStatus(options: { dataDir?: string } = {}): Promise<StackStatus> {
  const paths = stackPaths(options.dataDir, undefined);
  const state = readStackState({ dataDir: paths.dataDir });
  if (!state) return { healthy: false };
  const creds = fs.existsSync(credentialsFile(paths.dataDir)) ? readCredentials(credentialsFile(paths.dataDir)) : undefined;
  const pg = state.postgres;
  const [temporal, s3, postgres] = await Promise.all([
    partStatus(state.temporal, () => probeTemporal(state.temporal.address, state.temporal.namespace)),
    partStatus(state.s3, async () => {
      if (!creds) throw new Error(`no ${credentialsFile(paths.dataDir)}`);
      await probeSeaweed(parseS3Endpoint(state.s3.endpoint, state.s3.region), creds.worker);
    }),
    pg
      ? partStatus(pg, async () => {
          if (!fs.existsSync(databaseCredentialsFile(paths.dataDir))) throw new Error(`no ${databaseCredentialsFile(paths.dataDir)}`);
          await probePostgres(databaseUrl(loadOrCreateDatabaseCredentials(paths.dataDir), pg.port));
        })
      : Promise.resolve<PartStatus>({ pid: 0, alive: false, healthy: false, error: 'not in stack.json (started before the catalogue moved to PostgreSQL)' }),
  ]);
  return { state, temporal, s3, postgres, healthy: temporal.healthy && s3.healthy && postgres.healthy };
}

/** Probes a recorded server until it answers or `ms` pass (a server just started gets a moment). */
export async function healthyWithin(server: RecordedServer, probe: () => Promise<void>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!isSameProcess(server.pid, server.pidStart)) return false;
    try {
      await probe();
      return true;
    } catch {
      if (Date.now() >= deadline) return false;
      await sleep(250);
    }
  }
}
