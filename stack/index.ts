// The embedded stack: a Temporal dev server and a SeaweedFS S3 server on loopback, with per-data-dir
// credentials, used by the CLI, the demo, tests and workers. Either part can be replaced by an external
// service through TEMPORAL_ADDRESS / S3_ENDPOINT.
//
// Files under <dataDir>:
//   credentials.json          S3 keys of admin / worker / uploader (0600; the only place secrets live)
//   temporal/<name>.db        Temporal's SQLite store
//   s3/<name>/                SeaweedFS data; s3/<name>.identities.json its -s3.config (0600)
//   logs/*.log                server output
//   run/<name>.ports.json     ports used last time (reused when free, so endpoints stay stable)
//   run/<name>.owner.json     which process owns attached servers (orphans of a killed owner are reaped)
//   stack.json                the detached stack of `stack up` (pids, ports; no secrets)
import * as fs from 'node:fs';
import * as path from 'node:path';

import { BUCKETS, dataDir as defaultDataDir } from '../lib/config';
import { formatS3Endpoint, makeS3Client, parseS3Endpoint, type S3Endpoint } from '../lib/s3';
import { NAMESPACE } from '../temporal.config';
import { ensureBuckets, type BucketSetupResult } from './buckets';
import { loadOrCreateCredentials, readCredentials, credentialsFile, writeSeaweedIdentities, type BucketNames, type Creds, type StackCredentials } from './identities';
import { startOnFreePorts } from './ports';
import { isSameProcess, pidAlive, pidStartTime, sleep, stopProcess } from './proc';
import { allocateSeaweedPorts, probeSeaweed, removeSeaweedSockets, S3_REGION, seaweedPortList, startSeaweed, type RunningSeaweed, type SeaweedPorts } from './seaweed';
import { allocateTemporalPorts, probeTemporal, startTemporal, temporalPortList, type RunningTemporal, type TemporalPorts } from './temporal';
import { configureSeaweedNotification, webhookTargetFromEnv } from './seaweed-notify';
import { ensureTool, TOOL_SPECS } from './tools';

export type { BucketNames, Creds, StackCredentials } from './identities';
export type { BucketSetupResult } from './buckets';
export type { RunningSeaweed, SeaweedPorts } from './seaweed';
export type { RunningTemporal } from './temporal';
export { ensureTools, type Tools } from './tools';
export { ensureBuckets } from './buckets';

export interface StackInfo {
  temporal: { address: string; namespace: string; uiUrl?: string; /** run by dualqa (not TEMPORAL_ADDRESS) */ embedded: boolean };
  s3: {
    endpoint: S3Endpoint;
    /** Setup identity of the embedded server; absent for an external S3. Never give it to workers. */
    admin?: Creds;
    worker: Creds;
    uploader: Creds;
    /** run by dualqa (not S3_ENDPOINT) */
    embedded: boolean;
  };
  buckets: BucketNames;
  /** True when at least one part is dualqa's embedded server. */
  embedded: boolean;
}

export interface StackHandle {
  info: StackInfo;
  /** Stops what this call started (waits until the PIDs are gone); a no-op for reused or external parts. */
  stop(): Promise<void>;
  /** PIDs of servers this call started. */
  pids: number[];
  /** Outcome of bucket setup, when this call started the S3 server. */
  setup?: BucketSetupResult;
  /** The servers startStack started, for fault tests that stop and restart one of them. */
  servers?: { temporal: RunningTemporal; s3: RunningSeaweed };
}

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
}

export interface StackState {
  version: 1;
  name: string;
  dataDir: string;
  startedAt: string;
  temporal: { pid: number; pidStart?: string; address: string; namespace: string; port: number; uiPort?: number; uiUrl?: string; dbFile: string; logFile: string };
  s3: { pid: number; pidStart?: string; endpoint: string; region: string; ports: SeaweedPorts; dir: string; logFile: string };
}

// ---------------------------------------------------------------------------------------------------
// Layout

interface Paths {
  dataDir: string;
  name: string;
  dbFile: string;
  s3Dir: string;
  identitiesFile: string;
  temporalLog: string;
  s3Log: string;
  portsFile: string;
  ownerFile: string;
  stateFile: string;
}

function stackPaths(dataDirArg: string | undefined, nameArg: string | undefined): Paths {
  const dataDir = path.resolve(dataDirArg ?? defaultDataDir());
  const name = nameArg ?? 'default';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(name)) throw new Error(`stack name must be letters, digits, - and _: ${JSON.stringify(name)}`);
  const logPrefix = name === 'default' ? '' : `${name}-`;
  return {
    dataDir,
    name,
    dbFile: path.join(dataDir, 'temporal', `${name}.db`),
    s3Dir: path.join(dataDir, 's3', name),
    identitiesFile: path.join(dataDir, 's3', `${name}.identities.json`),
    temporalLog: path.join(dataDir, 'logs', `${logPrefix}temporal.log`),
    s3Log: path.join(dataDir, 'logs', `${logPrefix}seaweedfs.log`),
    portsFile: path.join(dataDir, 'run', `${name}.ports.json`),
    ownerFile: path.join(dataDir, 'run', `${name}.owner.json`),
    stateFile: path.join(dataDir, 'stack.json'),
  };
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------------
// Orphans: attached servers whose owner died without running its exit handlers (SIGKILL, OOM).

interface OwnerFile {
  ownerPid: number;
  ownerStart?: string;
  servers: { pid: number; start?: string }[];
}

async function reapOrphans(paths: Paths, log: (m: string) => void): Promise<void> {
  const owner = readJson<OwnerFile>(paths.ownerFile);
  if (!owner) return;
  // A live owner (this process included) still runs them: not orphans. Starting again on the same files
  // then fails with a clear "in use" error instead of killing someone's servers.
  if (isSameProcess(owner.ownerPid, owner.ownerStart)) return;
  const orphans = owner.servers.filter((s) => isSameProcess(s.pid, s.start));
  for (const s of orphans) log(`stopping orphaned server pid ${s.pid} left by dead process ${owner.ownerPid}`);
  await Promise.all(orphans.map((s) => stopProcess(s.pid, 5_000)));
  const ports = readJson<RememberedPorts>(paths.portsFile);
  if (orphans.length > 0 && ports?.s3) removeSeaweedSockets(ports.s3);
  fs.rmSync(paths.ownerFile, { force: true });
}

function recordOwned(paths: Paths, pids: number[]): void {
  const existing = readJson<OwnerFile>(paths.ownerFile);
  const servers = existing && existing.ownerPid === process.pid ? existing.servers.filter((s) => pidAlive(s.pid)) : [];
  for (const pid of pids) servers.push({ pid, start: pidStartTime(pid) });
  writeJson(paths.ownerFile, { ownerPid: process.pid, ownerStart: pidStartTime(process.pid), servers } satisfies OwnerFile);
}

function forgetOwned(paths: Paths, pids: number[]): void {
  const existing = readJson<OwnerFile>(paths.ownerFile);
  if (!existing || existing.ownerPid !== process.pid) return;
  const servers = existing.servers.filter((s) => !pids.includes(s.pid) && pidAlive(s.pid));
  if (servers.length === 0) fs.rmSync(paths.ownerFile, { force: true });
  else writeJson(paths.ownerFile, { ...existing, servers });
}

// ---------------------------------------------------------------------------------------------------
// Starting servers

interface RememberedPorts {
  temporal?: TemporalPorts;
  s3?: SeaweedPorts;
}

interface Started {
  temporal?: RunningTemporal;
  s3?: RunningSeaweed;
  creds: StackCredentials;
  setup?: BucketSetupResult;
}

async function startParts(paths: Paths, options: StartStackOptions, parts: { temporal: boolean; s3: boolean }, detached: boolean): Promise<Started> {
  const log = options.log ?? (() => undefined);
  fs.mkdirSync(paths.dataDir, { recursive: true });
  await reapOrphans(paths, log);
  const creds = loadOrCreateCredentials(paths.dataDir);
  const remembered = readJson<RememberedPorts>(paths.portsFile) ?? {};
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

  log(`starting ${[parts.temporal && 'temporal', parts.s3 && 'seaweedfs'].filter(Boolean).join(' and ')} in ${paths.dataDir}`);
  const [t, s] = await Promise.allSettled([
    parts.temporal ? startT() : Promise.resolve(undefined),
    parts.s3 ? startS() : Promise.resolve(undefined),
  ]);
  const started: Started = { creds, temporal: t.status === 'fulfilled' ? t.value : undefined, s3: s.status === 'fulfilled' ? s.value : undefined };
  const stopStarted = () => Promise.all([started.temporal?.stop(), started.s3?.stop()]);
  if (t.status === 'rejected' || s.status === 'rejected') {
    await stopStarted();
    const errors = [t, s].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    throw errors.length === 1 ? errors[0] : new AggregateError(errors, errors.map(message).join('; '));
  }
  if (!detached) recordOwned(paths, [started.temporal?.process.pid, started.s3?.process.pid].filter((p): p is number => p !== undefined));
  writeJson(paths.portsFile, {
    temporal: started.temporal ? { port: started.temporal.port, uiPort: started.temporal.uiPort ?? remembered.temporal?.uiPort } : remembered.temporal,
    s3: started.s3?.ports ?? remembered.s3,
  } satisfies RememberedPorts);

  if (started.s3) {
    try {
      started.setup = await ensureBuckets(makeS3Client(started.s3.endpoint, creds.admin), BUCKETS, { region: started.s3.endpoint.region });
      if (!started.setup.recordingsLocked) log(`warning: ${started.setup.lockProblem ?? 'recordings are not object-locked'}`);
    } catch (error) {
      await stopStarted();
      throw new Error(`bucket setup failed: ${message(error)}`);
    }
  }
  return started;
}

function embeddedTemporalInfo(t: { address: string; namespace: string; uiUrl?: string }): StackInfo['temporal'] {
  return { address: t.address, namespace: t.namespace, ...(t.uiUrl ? { uiUrl: t.uiUrl } : {}), embedded: true };
}

function redact(creds: Creds | undefined): { accessKey: string; secretKey: string } | undefined {
  return creds && { accessKey: creds.accessKey, secretKey: '<redacted>' };
}

/**
 * Secrets stay usable in code but do not leak through JSON.stringify (CLI output, pino logs): the
 * s3 part serialises with secret keys redacted. Non-enumerable, so a spread copy has plain fields.
 */
function withRedactedJson(s3: StackInfo['s3']): StackInfo['s3'] {
  Object.defineProperty(s3, 'toJSON', {
    enumerable: false,
    value: () => ({ endpoint: s3.endpoint, admin: redact(s3.admin), worker: redact(s3.worker), uploader: redact(s3.uploader), embedded: s3.embedded }),
  });
  return s3;
}

function embeddedS3Info(endpoint: S3Endpoint, creds: StackCredentials): StackInfo['s3'] {
  return withRedactedJson({ endpoint, admin: creds.admin, worker: creds.worker, uploader: creds.uploader, embedded: true });
}

function onceOnly(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

/**
 * Starts Temporal and SeaweedFS as children of this process on free loopback ports, creates the buckets
 * and returns how to reach them. The servers die with this process; `stop()` shuts them down cleanly.
 */
export async function startStack(options: StartStackOptions = {}): Promise<StackHandle> {
  const paths = stackPaths(options.dataDir, options.name);
  const started = await startParts(paths, options, { temporal: true, s3: true }, false);
  const t = started.temporal;
  const s = started.s3;
  if (!t || !s) throw new Error('internal: stack parts missing');
  const pids = [t.process.pid, s.process.pid];
  return {
    info: { temporal: embeddedTemporalInfo(t), s3: embeddedS3Info(s.endpoint, started.creds), buckets: { ...BUCKETS }, embedded: true },
    pids,
    setup: started.setup,
    servers: { temporal: t, s3: s },
    stop: onceOnly(async () => {
      await Promise.all([t.stop(), s.stop()]);
      forgetOwned(paths, pids);
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// Detached stack (`dualqa stack up` / `stack down` / `stack status`)

export function readStackState(options: { dataDir?: string } = {}): StackState | undefined {
  const state = readJson<StackState>(stackPaths(options.dataDir, undefined).stateFile);
  return state?.version === 1 ? state : undefined;
}

function stateInfo(state: StackState, creds: StackCredentials): StackInfo {
  return {
    temporal: embeddedTemporalInfo(state.temporal),
    s3: embeddedS3Info(parseS3Endpoint(state.s3.endpoint, state.s3.region), creds),
    buckets: { ...BUCKETS },
    embedded: true,
  };
}

export interface DetachedStack {
  state: StackState;
  info: StackInfo;
  /** False when a healthy detached stack was already running and was left as it was. */
  started: boolean;
  setup?: BucketSetupResult;
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
  const started = await startParts(paths, options, { temporal: true, s3: true }, true);
  const t = started.temporal;
  const s = started.s3;
  if (!t || !s) throw new Error('internal: stack parts missing');
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
  };
  writeJson(paths.stateFile, state);
  return { state, info: stateInfo(state, started.creds), started: true, setup: started.setup };
}

/** Stops the detached stack (SIGTERM, SIGKILL after 10 s) and waits until its PIDs are gone. */
export async function stopDetachedStack(options: { dataDir?: string } = {}): Promise<{ stopped: boolean; pids: number[] }> {
  const paths = stackPaths(options.dataDir, undefined);
  const state = readStackState({ dataDir: paths.dataDir });
  if (!state) return { stopped: false, pids: [] };
  const servers = [
    { pid: state.temporal.pid, start: state.temporal.pidStart },
    { pid: state.s3.pid, start: state.s3.pidStart },
  ];
  // Only signal PIDs that are still the processes we started (not a later process reusing the number).
  const live = servers.filter((s) => isSameProcess(s.pid, s.start));
  await Promise.all(live.map((s) => stopProcess(s.pid)));
  removeSeaweedSockets(state.s3.ports);
  fs.rmSync(paths.stateFile, { force: true });
  return { stopped: live.length > 0, pids: live.map((s) => s.pid) };
}

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
  /** Both parts answer their probes. */
  healthy: boolean;
}

async function partStatus(pid: number, start: string | undefined, probe: () => Promise<void>): Promise<PartStatus> {
  const alive = isSameProcess(pid, start);
  if (!alive) return { pid, alive, healthy: false, error: 'not running' };
  try {
    await probe();
    return { pid, alive, healthy: true };
  } catch (error) {
    return { pid, alive, healthy: false, error: message(error) };
  }
}

/** Probes the detached stack of a data dir (Temporal health + namespace, an authenticated S3 call). */
export async function stackStatus(options: { dataDir?: string } = {}): Promise<StackStatus> {
  const paths = stackPaths(options.dataDir, undefined);
  const state = readStackState({ dataDir: paths.dataDir });
  if (!state) return { healthy: false };
  const creds = fs.existsSync(credentialsFile(paths.dataDir)) ? readCredentials(credentialsFile(paths.dataDir)) : undefined;
  const [temporal, s3] = await Promise.all([
    partStatus(state.temporal.pid, state.temporal.pidStart, () => probeTemporal(state.temporal.address, state.temporal.namespace)),
    partStatus(state.s3.pid, state.s3.pidStart, async () => {
      if (!creds) throw new Error(`no ${credentialsFile(paths.dataDir)}`);
      await probeSeaweed(parseS3Endpoint(state.s3.endpoint, state.s3.region), creds.worker);
    }),
  ]);
  return { state, temporal, s3, healthy: temporal.healthy && s3.healthy };
}

// ---------------------------------------------------------------------------------------------------
// Resolution used by workers, the CLI and the demo

export interface ResolveStackOptions extends StartStackOptions {
  /** Where TEMPORAL_ADDRESS, S3_ENDPOINT etc. are read from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

function externalS3(env: NodeJS.ProcessEnv, url: string): StackInfo['s3'] {
  const endpoint = parseS3Endpoint(url, env.S3_REGION?.trim() || S3_REGION);
  const accessKey = env.S3_ACCESS_KEY?.trim();
  const secretKey = env.S3_SECRET_KEY;
  if (!accessKey || !secretKey) throw new Error('S3_ENDPOINT is set: S3_ACCESS_KEY and S3_SECRET_KEY (the worker identity) are required too');
  const worker = { accessKey, secretKey };
  const upAccess = env.S3_UPLOADER_ACCESS_KEY?.trim();
  const upSecret = env.S3_UPLOADER_SECRET_KEY;
  if (Boolean(upAccess) !== Boolean(upSecret)) throw new Error('set both S3_UPLOADER_ACCESS_KEY and S3_UPLOADER_SECRET_KEY, or neither');
  // Without a separate uploader key the operator runs one identity for both roles.
  const uploader = upAccess && upSecret ? { accessKey: upAccess, secretKey: upSecret } : worker;
  return withRedactedJson({ endpoint, worker, uploader, embedded: false });
}

/** Probes a part of the detached stack, giving a starting server a few seconds. */
async function healthyWithin(pid: number, start: string | undefined, probe: () => Promise<void>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!isSameProcess(pid, start)) return false;
    try {
      await probe();
      return true;
    } catch {
      if (Date.now() >= deadline) return false;
      await sleep(250);
    }
  }
}

/**
 * How to reach Temporal and S3, part by part:
 *  1. TEMPORAL_ADDRESS (+ TEMPORAL_NAMESPACE) / S3_ENDPOINT (+ S3_ACCESS_KEY, S3_SECRET_KEY, optional
 *     S3_UPLOADER_ACCESS_KEY / S3_UPLOADER_SECRET_KEY, S3_REGION) name external services;
 *  2. else the detached stack of the data dir (`stack up`) is reused if its probes pass;
 *  3. else the part is started in-process, and `stop()` stops it.
 */
export async function resolveStack(options: ResolveStackOptions = {}): Promise<StackHandle> {
  const env = options.env ?? process.env;
  const paths = stackPaths(options.dataDir, options.name);
  const temporalAddress = env.TEMPORAL_ADDRESS?.trim();
  const s3Url = env.S3_ENDPOINT?.trim();

  let temporalInfo: StackInfo['temporal'] | undefined = temporalAddress
    ? { address: temporalAddress, namespace: env.TEMPORAL_NAMESPACE?.trim() || NAMESPACE, embedded: false }
    : undefined;
  let s3Info: StackInfo['s3'] | undefined = s3Url ? externalS3(env, s3Url) : undefined;

  const state = !temporalInfo || !s3Info ? readStackState({ dataDir: paths.dataDir }) : undefined;
  if (state && state.name === paths.name) {
    if (!temporalInfo && (await healthyWithin(state.temporal.pid, state.temporal.pidStart, () => probeTemporal(state.temporal.address, state.temporal.namespace), 5_000))) {
      temporalInfo = embeddedTemporalInfo(state.temporal);
    }
    if (!s3Info) {
      const creds = readCredentials(credentialsFile(paths.dataDir));
      const endpoint = parseS3Endpoint(state.s3.endpoint, state.s3.region);
      if (await healthyWithin(state.s3.pid, state.s3.pidStart, () => probeSeaweed(endpoint, creds.worker), 5_000)) s3Info = embeddedS3Info(endpoint, creds);
    }
  }

  let started: Started | undefined;
  if (!temporalInfo || !s3Info) {
    started = await startParts(paths, options, { temporal: !temporalInfo, s3: !s3Info }, false);
    if (started.temporal) temporalInfo = embeddedTemporalInfo(started.temporal);
    if (started.s3) s3Info = embeddedS3Info(started.s3.endpoint, started.creds);
  }
  if (!temporalInfo || !s3Info) throw new Error('internal: stack resolution incomplete');
  const own = started;
  const pids = [own?.temporal?.process.pid, own?.s3?.process.pid].filter((p): p is number => p !== undefined);
  return {
    info: { temporal: temporalInfo, s3: s3Info, buckets: { ...BUCKETS }, embedded: temporalInfo.embedded || s3Info.embedded },
    pids,
    setup: own?.setup,
    stop: onceOnly(async () => {
      if (!own) return;
      await Promise.all([own.temporal?.stop(), own.s3?.stop()]);
      forgetOwned(paths, pids);
    }),
  };
}
