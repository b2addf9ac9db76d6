// Starting the embedded servers, shared by startStack, `stack up` and resolveStack (which differ only in
// which parts they need and whether the servers outlive this process). Each server is installed and
// configured, then all start side by side on last time's ports when free; the buckets come last
// because they need the running S3 server.
import * as fs from 'node:fs';

import { BUCKETS } from '../lib/config';
import { makeS3Client } from '../lib/s3';
import { ensureBuckets, type BucketSetupResult } from './buckets';
import { loadOrCreateCredentials, writeSeaweedIdentities, type StackCredentials } from './identities';
import type { StackPaths } from './layout';
import { reapOrphans, recordOwned } from './ownership';
import { pickPort, startOnFreePorts } from './ports';
import { loadOrCreateDatabaseCredentials, startPostgres, type DatabaseCredentials, type RunningPostgres } from './postgres';
import { allocateSeaweedPorts, removeSeaweedSockets, seaweedPortList, startSeaweed, type RunningSeaweed } from './seaweed';
import { configureSeaweedNotification, webhookTargetFromEnv } from './seaweed-notify';
import { readRememberedPorts, writeRememberedPorts } from './state';
import { allocateTemporalPorts, startTemporal, temporalPortList, type RunningTemporal } from './temporal';
import { ensureTool, TOOL_SPECS } from './tools';

export interface StartStackOptions {
  /** Defaults to dataDir() (DUALQA_DATA_DIR or <project>/.data). */
  dataDir?: string;
  /** Serve the Temporal Web UI. */
  ui?: boolean;
  /** Several stacks can share a data dir under different names. Default "default". */
  name?: string;
  /** Per server; default 60 s. */
  readyTimeoutMs?: number;
  log?: (message: string) => void;
  /** Also start (or reach) the catalogue's PostgreSQL. Opt-in for startStack and resolveStack (commands and tests that touch the catalogue ask); `stack up` always starts it. */
  database?: boolean;
}

/** The servers one startServers call started; a part not asked for is absent. */
export interface StartedServers {
  temporal?: RunningTemporal;
  s3?: RunningSeaweed;
  postgres?: RunningPostgres;
  creds: StackCredentials;
  dbCreds?: DatabaseCredentials;
  setup?: BucketSetupResult;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** PIDs of the started servers, Temporal first. */
export function startedPids(started: StartedServers | undefined): number[] {
  return [started?.temporal?.process.pid, started?.s3?.process.pid, started?.postgres?.process.pid].filter((p): p is number => p !== undefined);
}

export async function stopStarted(started: StartedServers): Promise<void> {
  await Promise.all([started.temporal?.stop(), started.s3?.stop(), started.postgres?.stop()]);
}

/** Sockets a killed SeaweedFS leaves in /tmp, found from the ports it used. */
function removeOrphanLeftovers(paths: StackPaths): void {
  const ports = readRememberedPorts(paths);
  if (ports?.s3) removeSeaweedSockets(ports.s3);
}

/**
 * Starts the requested parts. Attached servers (`detached` false) are recorded as owned by this process
 * and die with it; detached ones run in their own sessions. If any part fails, the others are stopped.
 */
export async function startServers(paths: StackPaths, options: StartStackOptions, parts: { temporal: boolean; s3: boolean; postgres?: boolean }, detached: boolean): Promise<StartedServers> {
  const log = options.log ?? (() => undefined);
  fs.mkdirSync(paths.dataDir, { recursive: true });
  await reapOrphans(paths, log, () => removeOrphanLeftovers(paths));
  const creds = loadOrCreateCredentials(paths.dataDir);
  const remembered = readRememberedPorts(paths) ?? {};
  const temporalBin = parts.temporal ? await ensureTool(TOOL_SPECS.temporal, { log }) : '';
  const weedBin = parts.s3 ? await ensureTool(TOOL_SPECS.weed, { log }) : '';
  if (parts.s3) writeSeaweedIdentities(paths.identitiesFile, creds, BUCKETS);
  if (parts.s3) configureSeaweedNotification(paths.s3Dir, webhookTargetFromEnv(process.env, BUCKETS.recordings));
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;

  const startT = () =>
    startOnFreePorts(remembered.temporal, (preferred) => allocateTemporalPorts(options.ui, preferred), temporalPortList, ({ port, uiPort }) =>
      startTemporal({ binary: temporalBin, dbFile: paths.dbFile, port, ui: options.ui, uiPort, logFile: paths.temporalLog, detached, readyTimeoutMs }),
    );
  const startS = () =>
    startOnFreePorts(remembered.s3, allocateSeaweedPorts, seaweedPortList, (ports) =>
      startSeaweed({ binary: weedBin, dir: paths.s3Dir, ports, identitiesFile: paths.identitiesFile, logFile: paths.s3Log, detached, probeCreds: creds.admin, readyTimeoutMs }),
    );

  const dbCreds = parts.postgres ? loadOrCreateDatabaseCredentials(paths.dataDir) : undefined;
  const startP = async () => {
    const port = await pickPort(remembered.postgres?.port);
    return startPostgres({ dir: paths.pgDir, port, creds: dbCreds!, logFile: paths.pgLog, detached, readyTimeoutMs });
  };

  log(`starting ${[parts.temporal && 'temporal', parts.s3 && 'seaweedfs', parts.postgres && 'postgresql'].filter(Boolean).join(', ')} in ${paths.dataDir}`);
  const [t, s, p] = await Promise.allSettled([
    parts.temporal ? startT() : Promise.resolve(undefined),
    parts.s3 ? startS() : Promise.resolve(undefined),
    parts.postgres ? startP() : Promise.resolve(undefined),
  ]);
  const started: StartedServers = {
    creds,
    dbCreds,
    temporal: t.status === 'fulfilled' ? t.value : undefined,
    s3: s.status === 'fulfilled' ? s.value : undefined,
    postgres: p.status === 'fulfilled' ? p.value : undefined,
  };
  if (t.status === 'rejected' || s.status === 'rejected' || p.status === 'rejected') {
    await stopStarted(started);
    const errors = [t, s, p].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    throw errors.length === 1 ? errors[0] : new AggregateError(errors, errors.map(message).join('; '));
  }
  if (!detached) recordOwned(paths, startedPids(started));
  writeRememberedPorts(paths, {
    temporal: started.temporal ? { port: started.temporal.port, uiPort: started.temporal.uiPort ?? remembered.temporal?.uiPort } : remembered.temporal,
    s3: started.s3?.ports ?? remembered.s3,
    postgres: started.postgres ? { port: started.postgres.port } : remembered.postgres,
  });

  if (started.s3) {
    try {
      started.setup = await ensureBuckets(makeS3Client(started.s3.endpoint, creds.admin), BUCKETS, { region: started.s3.endpoint.region });
      if (!started.setup.recordingsLocked) log(`warning: ${started.setup.lockProblem ?? 'recordings are not object-locked'}`);
      if (!started.setup.reportsLocked) log(`warning: ${started.setup.reportsLockProblem ?? 'reports are not object-locked'}: revisions are kept by versioning only`);
    } catch (error) {
      await stopStarted(started);
      throw new Error(`bucket setup failed: ${message(error)}`);
    }
  }
  return started;
}
