// MinIO as a real sender of S3 event notifications: a throwaway MinIO server configured with a webhook
// target (bearer token) posts its events for uploads to a local receiver, and what it posts is what
// intake/s3-events.ts reads (keys with '/', spaces and CJK decoded; deletes ignored) and intake/webhook.ts
// authorises. Runs with scripts/test-minio.sh (or alone) when .tools/bin/minio exists; skipped otherwise.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as Minio from 'minio';
import { toolsDir } from '../../lib/config';
import { objectsWritten, type ObjectWritten } from '../../intake/s3-events';
import { authorised } from '../../intake/webhook';
import { freePort } from '../../stack/ports';

const MINIO = path.join(toolsDir(), 'bin', 'minio');
const skip = fs.existsSync(MINIO) ? false : `${MINIO} not built (scripts/test-minio.sh builds it)`;

const token = crypto.randomBytes(18).toString('base64url');
const received: { authorised: boolean; objects: ObjectWritten[] }[] = [];
let receiver: http.Server;
let server: ChildProcess | undefined;
let client: Minio.Client;
let dataDir: string;

async function until(ok: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('MinIO posts S3 event records that the webhook reads', { skip, timeout: 120_000 }, () => {
  before(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.method === 'POST') received.push({ authorised: authorised(req.headers.authorization, token), objects: objectsWritten(JSON.parse(body)) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hookPort = (receiver.address() as { port: number }).port;
    const [port, consolePort] = [await freePort(), await freePort()];
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-minio-events-'));
    const user = `dq${crypto.randomBytes(6).toString('hex')}`;
    const password = crypto.randomBytes(18).toString('base64url');
    server = spawn(MINIO, ['server', '--quiet', '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, dataDir], {
      env: {
        PATH: process.env.PATH,
        MINIO_ROOT_USER: user,
        MINIO_ROOT_PASSWORD: password,
        MINIO_BROWSER: 'off',
        MINIO_UPDATE: 'off',
        MINIO_NOTIFY_WEBHOOK_ENABLE_DUALQA: 'on',
        MINIO_NOTIFY_WEBHOOK_ENDPOINT_DUALQA: `http://127.0.0.1:${hookPort}/`,
        // As docs/operations.md says: the whole header value, whether this MinIO adds "Bearer " or not.
        MINIO_NOTIFY_WEBHOOK_AUTH_TOKEN_DUALQA: `Bearer ${token}`,
      },
      stdio: 'ignore',
    });
    client = new Minio.Client({ endPoint: '127.0.0.1', port, useSSL: false, accessKey: user, secretKey: password, region: 'us-east-1' });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await client.listBuckets();
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  });

  after(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    receiver?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('uploads arrive as the written objects, with the shared token; a delete is not a write', async () => {
    await client.makeBucket('recordings', 'us-east-1');
    const config = new Minio.NotificationConfig();
    const queue = new Minio.QueueConfig(Minio.buildARN('minio', 'sqs', '', 'DUALQA', 'webhook'));
    queue.addEvent(Minio.ObjectCreatedAll);
    queue.addEvent(Minio.ObjectRemovedAll);
    config.add(queue);
    await client.setBucketNotification('recordings', config);

    const keys = ['2026/11/P001.mp4', '2026/11/张 三 双录.mp4', '2026/11/P001.meta.json'];
    for (const key of keys) await client.putObject('recordings', key, Buffer.from(key));
    const written = () => received.flatMap((r) => r.objects.map((o) => o.key));
    await until(() => keys.every((k) => written().includes(k)), `events for ${keys.join(', ')}`);
    assert.ok(received.every((r) => r.authorised), 'every delivery carried the shared token');
    assert.ok(received.flatMap((r) => r.objects).every((o) => o.bucket === 'recordings' && o.format === 'aws'));

    const before = received.length;
    await client.removeObject('recordings', keys[0]!);
    await until(() => received.length > before, 'the delete event');
    assert.deepEqual(received.slice(before).flatMap((r) => r.objects), [], 'a delete names no written object');
  });
});
