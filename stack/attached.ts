// Servers that live and die with this process (tests, `dualqa inspect` without `stack up`), and the
// handle through which their starter reaches and stops them.
import { BUCKETS } from '../lib/config';
import type { BucketSetupResult } from './buckets';
import { embeddedDatabaseInfo, embeddedS3Info, embeddedTemporalInfo, type StackInfo } from './endpoints';
import { stackPaths, type StackPaths } from './layout';
import { forgetOwned } from './ownership';
import type { RunningPostgres } from './postgres';
import type { RunningSeaweed } from './seaweed';
import { startedPids, startServers, stopStarted, type StartedServers, type StartStackOptions } from './start';
import type { RunningTemporal } from './temporal';

export interface StackHandle {
  info: StackInfo;
  /** Stops what this call started (waits until the PIDs are gone); a no-op for reused or external parts. */
  stop(): Promise<void>;
  /** PIDs of servers this call started. */
  pids: number[];
  /** Outcome of bucket setup, when this call started the S3 server. */
  setup?: BucketSetupResult;
  /** The servers startStack started, for fault tests that stop and restart one of them. */
  servers?: { temporal: RunningTemporal; s3: RunningSeaweed; postgres?: RunningPostgres };
}

/**
 * A handle's stop(): stops the servers `started` holds and drops them from the ownership record. Runs
 * once, however often it is called; nothing to do when the call started nothing.
 */
export function stopOnce(paths: StackPaths, started: StartedServers | undefined): () => Promise<void> {
  let running: Promise<void> | undefined;
  const stop = async () => {
    if (!started) return;
    await stopStarted(started);
    forgetOwned(paths, startedPids(started));
  };
  return () => (running ??= stop());
}

/**
 * Starts Temporal, SeaweedFS and (with `database: true`) PostgreSQL as children of this process on free
 * loopback ports, creates the buckets and returns how to reach them. The servers die with this process;
 * `stop()` shuts them down cleanly.
 */
export async function startStack(options: StartStackOptions = {}): Promise<StackHandle> {
  const paths = stackPaths(options.dataDir, options.name);
  const started = await startServers(paths, options, { temporal: true, s3: true, postgres: options.database === true }, false);
  const t = started.temporal;
  const s = started.s3;
  if (!t || !s) throw new Error('internal: stack parts missing');
  const p = started.postgres;
  return {
    info: { temporal: embeddedTemporalInfo(t), s3: embeddedS3Info(s.endpoint, started.creds), ...(p ? { database: embeddedDatabaseInfo(p.url) } : {}), buckets: { ...BUCKETS }, embedded: true },
    pids: startedPids(started),
    setup: started.setup,
    servers: { temporal: t, s3: s, ...(p ? { postgres: p } : {}) },
    stop: stopOnce(paths, started),
  };
}

/** Only the embedded PostgreSQL, attached (tests of the catalogue that need no Temporal or S3). */
export async function startDatabase(options: StartStackOptions = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const paths = stackPaths(options.dataDir, options.name);
  const started = await startServers(paths, options, { temporal: false, s3: false, postgres: true }, false);
  if (!started.postgres) throw new Error('internal: postgresql not started');
  return { url: started.postgres.url, stop: stopOnce(paths, started) };
}
