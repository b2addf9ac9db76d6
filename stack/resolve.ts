// How workers, the CLI and the demo find Temporal, S3 and the catalogue database without caring who runs
// them: each part separately comes from the environment, from a running `stack up`, or is started for
// this process.
import { BUCKETS } from '../lib/config';
import { parseS3Endpoint } from '../lib/s3';
import { stopOnce, type StackHandle } from './attached';
import { embeddedDatabaseInfo, embeddedS3Info, embeddedTemporalInfo, externalDatabaseInfo, externalS3Info, externalTemporalInfo, type StackInfo } from './endpoints';
import { credentialsFile, readCredentials } from './identities';
import { stackPaths } from './layout';
import { databaseUrl, loadOrCreateDatabaseCredentials, probePostgres } from './postgres';
import { probeSeaweed } from './seaweed';
import { startedPids, startServers, type StartedServers, type StartStackOptions } from './start';
import { readStackState } from './state';
import { healthyWithin } from './status';
import { probeTemporal } from './temporal';

export interface ResolveStackOptions extends StartStackOptions {
  /** Where TEMPORAL_ADDRESS, S3_ENDPOINT etc. are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * How to reach Temporal and S3, part by part:
 *  1. TEMPORAL_ADDRESS (+ TEMPORAL_NAMESPACE) / S3_ENDPOINT (+ S3_ACCESS_KEY, S3_SECRET_KEY, optional
 *     S3_UPLOADER_ACCESS_KEY / S3_UPLOADER_SECRET_KEY, S3_REGION) name external services;
 *     DUALQA_DATABASE_URL names an external PostgreSQL (only resolved with `database: true`);
 *  2. else the detached stack of the data dir (`stack up`) is reused if its probes pass;
 *  3. else the part is started in-process, and `stop()` stops it.
 */
export async function resolveStack(options: ResolveStackOptions = {}): Promise<StackHandle> {
  const env = options.env ?? process.env;
  const paths = stackPaths(options.dataDir, options.name);
  let temporalInfo: StackInfo['temporal'] | undefined = externalTemporalInfo(env);
  let s3Info: StackInfo['s3'] | undefined = externalS3Info(env);
  const wantDatabase = options.database === true;
  let dbInfo: StackInfo['database'] = wantDatabase ? externalDatabaseInfo(env) : undefined;
  const missing = () => !temporalInfo || !s3Info || (wantDatabase && !dbInfo);

  const state = missing() ? readStackState({ dataDir: paths.dataDir }) : undefined;
  if (state && state.name === paths.name) {
    if (!temporalInfo && (await healthyWithin(state.temporal, () => probeTemporal(state.temporal.address, state.temporal.namespace), 5_000))) {
      temporalInfo = embeddedTemporalInfo(state.temporal);
    }
    if (!s3Info) {
      const creds = readCredentials(credentialsFile(paths.dataDir));
      const endpoint = parseS3Endpoint(state.s3.endpoint, state.s3.region);
      if (await healthyWithin(state.s3, () => probeSeaweed(endpoint, creds.worker), 5_000)) s3Info = embeddedS3Info(endpoint, creds);
    }
    const pg = state.postgres;
    if (wantDatabase && !dbInfo && pg) {
      const url = databaseUrl(loadOrCreateDatabaseCredentials(paths.dataDir), pg.port);
      if (await healthyWithin(pg, () => probePostgres(url), 5_000)) dbInfo = embeddedDatabaseInfo(url);
    }
  }

  let started: StartedServers | undefined;
  if (missing()) {
    started = await startServers(paths, options, { temporal: !temporalInfo, s3: !s3Info, postgres: wantDatabase && !dbInfo }, false);
    if (started.temporal) temporalInfo = embeddedTemporalInfo(started.temporal);
    if (started.s3) s3Info = embeddedS3Info(started.s3.endpoint, started.creds);
    if (started.postgres) dbInfo = embeddedDatabaseInfo(started.postgres.url);
  }
  if (!temporalInfo || !s3Info) throw new Error('internal: stack resolution incomplete');
  return {
    info: { temporal: temporalInfo, s3: s3Info, ...(dbInfo ? { database: dbInfo } : {}), buckets: { ...BUCKETS }, embedded: temporalInfo.embedded || s3Info.embedded || Boolean(dbInfo?.embedded) },
    pids: startedPids(started),
    setup: started?.setup,
    stop: stopOnce(paths, started),
  };
}
