// Workers as separate processes (`dualqa worker`), pointed at a test stack through the same environment
// variables production uses, so a test can SIGKILL one mid-activity.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { formatS3Endpoint } from '../../lib/s3';
import { PROJECT_ROOT } from '../../lib/config';
import type { StackInfo } from '../../stack';

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | NodeJS.Signals | null>;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function workerEnv(info: StackInfo, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TEMPORAL_ADDRESS: info.temporal.address,
    TEMPORAL_NAMESPACE: info.temporal.namespace,
    S3_ENDPOINT: formatS3Endpoint(info.s3.endpoint),
    S3_REGION: info.s3.endpoint.region,
    S3_ACCESS_KEY: info.s3.worker.accessKey,
    S3_SECRET_KEY: info.s3.worker.secretKey,
    DUALQA_DATA_DIR: dataDir,
    DUALQA_LOG_LEVEL: 'info',
  };
}

export function startWorkerProcess(info: StackInfo, dataDir: string, queues = 'orchestration,media,speech', extraEnv: NodeJS.ProcessEnv = {}): WorkerProcess {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist', 'cli', 'main.js'), 'worker', '--queues', queues], {
    env: { ...workerEnv(info, dataDir), ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-200_000)));
  child.stderr?.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-200_000)));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return {
    child,
    pid: child.pid!,
    exited,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
