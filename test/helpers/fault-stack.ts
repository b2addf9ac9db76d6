// A test stack whose servers can be stopped and started again on the same ports and the same data
// (SeaweedFS folder, Temporal SQLite file), as a data centre outage or a server restart would look to
// the workers: same address, a gap, then the same state.
import * as path from 'node:path';
import { ensureTools } from '../../stack';
import { writeSeaweedIdentities, loadOrCreateCredentials } from '../../stack/identities';
import { startSeaweed, type RunningSeaweed } from '../../stack/seaweed';
import { startTemporal, type RunningTemporal } from '../../stack/temporal';
import { BUCKETS } from '../../lib/config';
import { openTestStack, type TestStack } from './test-stack';

export interface FaultStack extends TestStack {
  /** Stops the S3 server (SIGTERM, waits until its PID is gone). */
  stopS3(): Promise<void>;
  /** Starts it again on the same ports and data folder; resolves once it answers S3 calls. */
  startS3(): Promise<void>;
  /** Stops the Temporal dev server, waits `downMs`, starts it again on the same port and SQLite file. */
  restartTemporal(downMs: number): Promise<void>;
}

export async function openFaultStack(name: string, root: string): Promise<FaultStack> {
  const base = await openTestStack(name, root);
  const servers = base.stack.servers;
  if (!servers) throw new Error('openFaultStack needs a stack started by startStack');
  const dataDir = path.join(root, 'stack');
  const tools = await ensureTools();
  const creds = loadOrCreateCredentials(dataDir);
  let s3: RunningSeaweed | undefined = servers.s3;
  let temporal: RunningTemporal = servers.temporal;
  // Later starts are ours to stop; the first ones belong to the base stack.
  const restarted: { stop(): Promise<void> }[] = [];

  return {
    ...base,
    async stopS3() {
      await s3?.stop();
      s3 = undefined;
    },
    async startS3() {
      if (s3) return;
      const { ports, dir } = servers.s3;
      const identitiesFile = writeSeaweedIdentities(path.join(root, `${name}-restart.identities.json`), creds, BUCKETS);
      s3 = await startSeaweed({ binary: tools.weed, dir, ports, identitiesFile, logFile: path.join(dataDir, 'logs', `${name}-seaweedfs-restart.log`), probeCreds: creds.admin });
      restarted.push(s3);
    },
    async restartTemporal(downMs: number) {
      await temporal.stop();
      await new Promise((r) => setTimeout(r, downMs));
      temporal = await startTemporal({ binary: tools.temporal, dbFile: servers.temporal.dbFile, port: servers.temporal.port, logFile: path.join(dataDir, 'logs', `${name}-temporal-restart.log`) });
      restarted.push(temporal);
    },
    async close() {
      await base.connection.close();
      await Promise.all(restarted.map((r) => r.stop()));
      await base.stack.stop();
    },
  };
}
