// The embedded S3 server: SeaweedFS `weed mini` (master, volume, filer, S3 gateway in one process),
// bound to loopback, every port chosen by us, credentials from an identities file.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { makeS3Client, type S3Credentials, type S3Endpoint } from '../lib/s3';
import { claimPort, freePortPair, releasePorts } from './ports';
import { findProcesses, spawnServer, stopProcess, waitUntilReady, type ServerProcess } from './proc';

export const LOOPBACK = '127.0.0.1';
export const S3_REGION = 'us-east-1';

/**
 * HTTP ports of each component. SeaweedFS's gRPC port for each is HTTP + GRPC_OFFSET: we pass that
 * explicitly, and must keep the offset anyway because mini's built-in maintenance worker dials the
 * admin server at admin port + 10000 whatever -admin.port.grpc says.
 */
export interface SeaweedPorts {
  s3: number;
  master: number;
  volume: number;
  filer: number;
  admin: number;
}

export const GRPC_OFFSET = 10000;
const COMPONENTS = ['s3', 'master', 'volume', 'filer', 'admin'] as const;

/** Every port a server with these ports listens on (HTTP and gRPC). */
export function seaweedPortList(ports: SeaweedPorts): number[] {
  return COMPONENTS.flatMap((c) => [ports[c], ports[c] + GRPC_OFFSET]);
}

/** Fresh ports for every component (and their gRPC twins); reuses `preferred` when all are still free. */
export async function allocateSeaweedPorts(preferred?: SeaweedPorts): Promise<SeaweedPorts> {
  if (preferred) {
    const wanted = seaweedPortList(preferred);
    const claimed: number[] = [];
    if (new Set(wanted).size === wanted.length) {
      for (const port of wanted) {
        if (!(await claimPort(port))) break;
        claimed.push(port);
      }
    }
    if (claimed.length === wanted.length) return { ...preferred };
    releasePorts(...claimed);
  }
  const ports: Partial<SeaweedPorts> = {};
  for (const c of COMPONENTS) ports[c] = await freePortPair(GRPC_OFFSET);
  return ports as SeaweedPorts;
}

export interface SeaweedServerOptions {
  binary: string;
  /** Data folder (-dir); created. */
  dir: string;
  ports: SeaweedPorts;
  /** -s3.config file with the identities (see identities.ts). */
  identitiesFile: string;
  logFile: string;
  detached?: boolean;
  /** Environment for the server; AWS_*, S3_* and WEED_* are removed so they cannot add identities or buckets. */
  env?: NodeJS.ProcessEnv;
  /** Credentials used by the readiness probe. */
  probeCreds: S3Credentials;
  readyTimeoutMs?: number;
}

export interface RunningSeaweed {
  endpoint: S3Endpoint;
  ports: SeaweedPorts;
  dir: string;
  process: ServerProcess;
  stop(): Promise<void>;
}

export function seaweedArgs(options: Pick<SeaweedServerOptions, 'dir' | 'ports' | 'identitiesFile'>): string[] {
  const p = options.ports;
  const args = [
    'mini',
    `-dir=${options.dir}`,
    `-ip=${LOOPBACK}`,
    `-ip.bind=${LOOPBACK}`,
    '-master.telemetry=false',
    '-webdav=false',
    '-admin.ui=false',
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
    // Default true: an Admin identity could wipe a non-empty bucket in one call. Object lock stops that
    // for recordings anyway; this closes it for the other buckets too.
    '-s3.allowDeleteBucketNotEmpty=false',
    `-s3.config=${options.identitiesFile}`,
  ];
  for (const c of COMPONENTS) args.push(`-${c}.port=${p[c]}`, `-${c}.port.grpc=${p[c] + GRPC_OFFSET}`);
  return args;
}

export function seaweedEndpoint(ports: SeaweedPorts): S3Endpoint {
  return { endPoint: LOOPBACK, port: ports.s3, useSSL: false, region: S3_REGION };
}

function serverEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('S3_') && !key.startsWith('WEED_')) out[key] = value;
  }
  return out;
}

/** Succeeds if an authenticated S3 call (ListBuckets) works with these credentials. */
export async function probeSeaweed(endpoint: S3Endpoint, creds: S3Credentials): Promise<void> {
  await makeS3Client(endpoint, creds).listBuckets();
}

/** Live `weed` processes serving this data folder. */
export function seaweedServersUsing(dir: string): number[] {
  const target = path.resolve(dir);
  return findProcesses((argv) => argv.some((a) => a.startsWith('-dir=') && path.resolve(a.slice('-dir='.length)) === target) && argv.includes('mini'));
}

/** weed leaves unix sockets in /tmp named after its ports; remove ours once the server is gone. */
export function removeSeaweedSockets(ports: SeaweedPorts): void {
  const names = [`seaweedfs-s3-${ports.s3}.sock`, `seaweedfs-filer-${ports.filer}.sock`];
  for (const c of COMPONENTS) names.push(`seaweedfs-${c}-grpc-${ports[c] + GRPC_OFFSET}.sock`);
  for (const name of names) fs.rmSync(path.join('/tmp', name), { force: true });
}

export async function startSeaweed(options: SeaweedServerOptions): Promise<RunningSeaweed> {
  const dir = path.resolve(options.dir);
  const users = seaweedServersUsing(dir);
  if (users.length > 0) throw new Error(`seaweedfs: ${dir} is in use by pid ${users.join(', ')}; stop that server first`);
  fs.mkdirSync(dir, { recursive: true });
  const proc = spawnServer({
    command: options.binary,
    args: seaweedArgs({ ...options, dir }),
    env: serverEnv(options.env ?? process.env),
    logFile: options.logFile,
    detached: options.detached ?? false,
    cwd: dir,
    cleanupOnExit: () => removeSeaweedSockets(options.ports),
  });
  const endpoint = seaweedEndpoint(options.ports);
  const stop = async () => {
    await stopProcess(proc);
    removeSeaweedSockets(options.ports);
  };
  try {
    await waitUntilReady('seaweedfs', proc, () => probeSeaweed(endpoint, options.probeCreds), options.readyTimeoutMs ?? 60_000, 200);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, ports: options.ports, dir, process: proc, stop };
}
