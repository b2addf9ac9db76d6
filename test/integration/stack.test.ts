// The embedded stack against real servers: Temporal dev server and SeaweedFS on free loopback ports,
// in temporary data dirs. Proves the permission matrix and that no identity can destroy an original
// recording, that two stacks run side by side, and that no server outlives what started it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Connection } from '@temporalio/client';
import type * as Minio from 'minio';

import { makeS3Client, parseS3Endpoint } from '../../lib/s3';
import { SEARCH_ATTRIBUTE_TYPES } from '../../temporal.config';
import { ensureTools, readStackState, resolveStack, stackStatus, startDetachedStack, startStack, stopDetachedStack, type Creds, type StackHandle, type StackInfo } from '../../stack';
import { credentialsFile } from '../../stack/identities';
import { pidExists } from '../helpers/process';

const STACK_MODULE = path.resolve(__dirname, '../../stack/index.js');

// temporal.api.enums.v1.IndexedValueType
const INDEXED_VALUE_TYPE: Record<string, number> = { Text: 1, Keyword: 2, Int: 3, Double: 4, Bool: 5, Datetime: 6, KeywordList: 7 };


async function waitGone(pids: number[], ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (pids.some(pidExists) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `pid ${pid} should be gone`);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function listNames(client: Minio.Client, bucket: string): Promise<string[]> {
  const names: string[] = [];
  const stream = client.listObjectsV2(bucket, '', true);
  for await (const item of stream as AsyncIterable<{ name?: string }>) if (item.name) names.push(item.name);
  return names;
}

/** An S3 error with this code; any other error fails the assertion with its own code and message. */
function isCode(code: string) {
  return (error: unknown) => {
    const got = (error as { code?: string }).code;
    if (got !== code) throw new assert.AssertionError({ message: `expected S3 error ${code}, got ${got ?? 'no code'}: ${(error as Error).message}`, actual: got, expected: code });
    return true;
  };
}

const denied = isCode('AccessDenied');

function clients(info: StackInfo): { admin: Minio.Client; worker: Minio.Client; uploader: Minio.Client } {
  assert.ok(info.s3.admin, 'embedded stack exposes its admin identity');
  return {
    admin: makeS3Client(info.s3.endpoint, info.s3.admin),
    worker: makeS3Client(info.s3.endpoint, info.s3.worker),
    uploader: makeS3Client(info.s3.endpoint, info.s3.uploader),
  };
}

/** Runs a node script that starts a stack in `dataDir` and prints its PIDs as JSON, then does `then`. */
function spawnOwner(dataDir: string, then: 'throw' | 'wait'): Promise<{ child: ReturnType<typeof spawn>; pids: number[] }> {
  const script = `
    const { startStack } = require(${JSON.stringify(STACK_MODULE)});
    startStack({ dataDir: ${JSON.stringify(dataDir)} }).then((h) => {
      process.stdout.write(JSON.stringify(h.pids) + '\\n');
      ${then === 'throw' ? "setTimeout(() => { throw new Error('owner crashed on purpose'); }, 50);" : 'setInterval(() => {}, 1000);'}
    }, (e) => { console.error(e); process.exit(2); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ child, pids: JSON.parse(line) as number[] });
    });
    child.once('exit', (code) => {
      if (!out.includes('\n')) reject(new Error(`owner exited ${code} before starting: ${err}`));
    });
  });
}

function exited(child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

describe('embedded stack', { timeout: 120_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-stack-'));
  const dirA = path.join(tmp, 'a');
  const dirB = path.join(tmp, 'b');
  let a: StackHandle | undefined;
  let b: StackHandle | undefined;
  const timings: Record<string, number> = {};

  before(async () => {
    let t = Date.now();
    await ensureTools();
    timings.tools = Date.now() - t;
    t = Date.now();
    const [ra, rb] = await Promise.allSettled([startStack({ dataDir: dirA }), startStack({ dataDir: dirB })]);
    a = ra.status === 'fulfilled' ? ra.value : undefined;
    b = rb.status === 'fulfilled' ? rb.value : undefined;
    if (ra.status === 'rejected') throw ra.reason;
    if (rb.status === 'rejected') throw rb.reason;
    timings.startTwoStacks = Date.now() - t;
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await stopDetachedStack({ dataDir: dirA }).catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
    console.log(`stack timings (ms): ${JSON.stringify(timings)}`);
  });

  it('Temporal is healthy with the search attributes registered', async () => {
    assert.ok(a);
    const connection = await Connection.connect({ address: a.info.temporal.address });
    try {
      const health = await connection.healthService.check({});
      assert.equal(Number(health.status), 1, 'SERVING');
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: a.info.temporal.namespace });
      for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) {
        assert.equal(Number(customAttributes?.[name]), INDEXED_VALUE_TYPE[type], `search attribute ${name} is ${type}`);
      }
    } finally {
      await connection.close();
    }
  });

  it('credentials are private to the data dir and never logged', () => {
    assert.ok(a);
    const file = credentialsFile(dirA);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const secrets = [a.info.s3.admin?.secretKey, a.info.s3.worker.secretKey, a.info.s3.uploader.secretKey].filter((s): s is string => Boolean(s));
    assert.equal(new Set(secrets).size, 3, 'three distinct identities');
    const logs = fs.readdirSync(path.join(dirA, 'logs')).map((f) => fs.readFileSync(path.join(dirA, 'logs', f), 'utf8')).join('\n');
    const runFiles = fs.readdirSync(path.join(dirA, 'run')).map((f) => fs.readFileSync(path.join(dirA, 'run', f), 'utf8')).join('\n');
    for (const secret of secrets) {
      assert.ok(!logs.includes(secret), 'secret in a log');
      assert.ok(!runFiles.includes(secret), 'secret in a run file');
    }
  });

  it('enforces the permission matrix', async () => {
    assert.ok(a);
    const { admin, worker, uploader } = clients(a.info);
    const { recordings, analyses, reports } = a.info.buckets;
    const seed = Buffer.from('seed');
    type Op = 'put' | 'get' | 'list' | 'delete';
    const expected: Record<'worker' | 'uploader', Record<string, Record<Op, boolean>>> = {
      worker: {
        [recordings]: { put: false, get: true, list: true, delete: false },
        [analyses]: { put: true, get: true, list: true, delete: true },
        [reports]: { put: true, get: true, list: true, delete: true },
      },
      uploader: {
        [recordings]: { put: true, get: true, list: true, delete: true },
        [analyses]: { put: false, get: false, list: false, delete: false },
        [reports]: { put: false, get: false, list: false, delete: false },
      },
    };
    const ids = { worker, uploader };
    const failures: string[] = [];
    for (const [who, buckets] of Object.entries(expected) as ['worker' | 'uploader', Record<string, Record<Op, boolean>>][]) {
      const client = ids[who];
      for (const [bucket, ops] of Object.entries(buckets)) {
        const key = `matrix/${who}/${crypto.randomUUID()}`;
        await admin.putObject(bucket, key, seed);
        const attempts: Record<Op, () => Promise<unknown>> = {
          put: () => client.putObject(bucket, `${key}.new`, seed),
          get: async () => assert.deepEqual(await readAll(await client.getObject(bucket, key)), seed),
          list: () => listNames(client, bucket),
          delete: () => client.removeObject(bucket, key),
        };
        for (const op of ['put', 'get', 'list', 'delete'] as const) {
          let allowed = true;
          try {
            await attempts[op]();
          } catch (error) {
            if ((error as { code?: string }).code !== 'AccessDenied') throw error;
            allowed = false;
          }
          if (allowed !== ops[op]) failures.push(`${who} ${op} ${bucket}: ${allowed ? 'allowed' : 'denied'}, expected ${ops[op] ? 'allowed' : 'denied'}`);
        }
      }
    }
    assert.deepEqual(failures, []);

    // Nobody but admin touches bucket configuration.
    for (const client of [worker, uploader]) {
      await assert.rejects(client.makeBucket('dualqa-extra', 'us-east-1'), denied);
      await assert.rejects(client.removeBucket(recordings), denied);
      await assert.rejects(client.setObjectLockConfig(recordings, { mode: 'GOVERNANCE', unit: 'Days', validity: 1 }) as unknown as Promise<void>, denied);
    }
    // A wrong secret is rejected (SigV4 checked, not just the key id).
    const forged = makeS3Client(a.info.s3.endpoint, { accessKey: a.info.s3.uploader.accessKey, secretKey: 'x'.repeat(40) });
    await assert.rejects(forged.putObject(recordings, 'forged', seed), isCode('SignatureDoesNotMatch'));
  });

  it('no identity can destroy an original recording', async () => {
    assert.ok(a);
    const { admin, worker, uploader } = clients(a.info);
    const bucket = a.info.buckets.recordings;
    const key = `case-${crypto.randomUUID()}/recording.mp4`;
    const original = crypto.randomBytes(256 * 1024);
    const digest = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
    const readOriginal = async (versionId: string) => digest(await readAll(await admin.getObject(bucket, key, { versionId })));

    const put = await uploader.putObject(bucket, key, original, original.length, { 'Content-Type': 'video/mp4' });
    const v1 = put.versionId;
    assert.ok(v1, 'recordings is versioned');
    const retention = await admin.getObjectRetention(bucket, key, { versionId: v1 });
    assert.equal(retention?.mode, 'COMPLIANCE');
    assert.ok(new Date(retention?.retainUntilDate ?? 0).getTime() > Date.now() + 9 * 365 * 86400_000, 'retained ~10 years');

    // The uploader overwrites: a new version on top; the original stays byte-identical.
    const tampered = Buffer.from('tampered');
    const v2 = (await uploader.putObject(bucket, key, tampered)).versionId;
    assert.notEqual(v2, v1);
    assert.deepEqual(await readAll(await uploader.getObject(bucket, key)), tampered);
    assert.equal(await readOriginal(v1), digest(original));

    // The uploader deletes: only a delete marker.
    await uploader.removeObject(bucket, key);
    await assert.rejects(uploader.getObject(bucket, key), isCode('NoSuchKey'));
    assert.equal(await readOriginal(v1), digest(original));

    // Deleting the original version itself fails for everyone, admin included (COMPLIANCE lock).
    await assert.rejects(uploader.removeObject(bucket, key, { versionId: v1 }), denied);
    await assert.rejects(worker.removeObject(bucket, key, { versionId: v1 }), denied);
    await assert.rejects(worker.putObject(bucket, key, tampered), denied);
    await assert.rejects(admin.removeObject(bucket, key, { versionId: v1 }), denied);
    await assert.rejects(admin.removeObject(bucket, key, { versionId: v1, governanceBypass: true }), denied);
    const multi = await admin.removeObjects(bucket, [{ name: key, versionId: v1 }]);
    assert.equal((multi as { Code?: string }[])[0]?.Code, 'AccessDenied', 'multi-object delete refused too');
    // Nor can the lock be weakened, versioning suspended or the bucket dropped.
    await assert.rejects(admin.putObjectRetention(bucket, key, { versionId: v1, mode: 'GOVERNANCE', retainUntilDate: new Date(Date.now() + 60_000).toISOString() }), denied);
    await assert.rejects(admin.setBucketVersioning(bucket, { Status: 'Suspended' }), isCode('InvalidBucketState'));
    // The admin may drop an empty bucket; this one can never be emptied (its locked original stays in it).
    await assert.rejects(admin.removeBucket(bucket), isCode('BucketNotEmpty'));

    assert.equal(await readOriginal(v1), digest(original));
    const stat = await admin.statObject(bucket, key, { versionId: v1 });
    assert.equal(stat.size, original.length);
    assert.equal(stat.metaData['content-type'], 'video/mp4');
  });

  it('two stacks run side by side, each with its own ports and credentials', async () => {
    assert.ok(a && b);
    assert.notEqual(a.info.temporal.address, b.info.temporal.address);
    assert.notEqual(a.info.s3.endpoint.port, b.info.s3.endpoint.port);
    assert.notEqual(a.info.s3.worker.accessKey, b.info.s3.worker.accessKey);
    const connection = await Connection.connect({ address: b.info.temporal.address });
    try {
      assert.equal(Number((await connection.healthService.check({})).status), 1);
    } finally {
      await connection.close();
    }
    const key = `side-by-side-${crypto.randomUUID()}`;
    await makeS3Client(b.info.s3.endpoint, b.info.s3.uploader).putObject(b.info.buckets.recordings, key, Buffer.from('b'));
    await assert.rejects(makeS3Client(a.info.s3.endpoint, a.info.s3.worker).statObject(a.info.buckets.recordings, key), isCode('NotFound'));
    // A's keys mean nothing to B's server.
    await assert.rejects(makeS3Client(b.info.s3.endpoint, a.info.s3.worker).listBuckets(), isCode('InvalidAccessKeyId'));
  });

  it('stop() leaves no server process behind', async () => {
    assert.ok(a && b);
    const pids = [...a.pids, ...b.pids];
    assert.equal(pids.length, 4);
    const t = Date.now();
    await Promise.all([a.stop(), b.stop()]);
    timings.stopTwoStacks = Date.now() - t;
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `pid ${pid} survived stop()`);
    a = undefined;
    b = undefined;
  });

  it('stack up / status / reuse / down on a data dir with history', async () => {
    let t = Date.now();
    const up = await startDetachedStack({ dataDir: dirA });
    timings.detachedUp = Date.now() - t;
    assert.equal(up.started, true);
    const state = readStackState({ dataDir: dirA });
    assert.ok(state);
    assert.ok(!JSON.stringify(state).includes(up.info.s3.worker.secretKey), 'stack.json holds no secrets');
    const printed = JSON.stringify(up);
    assert.ok(up.info.s3.admin && !printed.includes(up.info.s3.admin.secretKey) && !printed.includes(up.info.s3.uploader.secretKey), 'printing the result shows no secret');
    assert.ok(printed.includes(up.info.s3.worker.accessKey), 'access keys stay visible');
    const dbPassword = new URL(up.info.database!.url).password;
    assert.ok(dbPassword.length > 20 && !printed.includes(dbPassword) && !JSON.stringify(state).includes(dbPassword), 'the database password is neither printed nor in stack.json');
    assert.equal(fs.statSync(path.join(dirA, 'database.json')).mode & 0o777, 0o600);
    assert.ok((await stackStatus({ dataDir: dirA })).healthy);
    assert.equal((await startDetachedStack({ dataDir: dirA })).started, false, 'a second `up` reuses the running stack');

    // resolveStack reuses it and owns nothing.
    const resolved = await resolveStack({ dataDir: dirA, env: {} });
    assert.deepEqual(resolved.pids, []);
    assert.equal(resolved.info.temporal.address, state.temporal.address);
    assert.equal(resolved.info.s3.endpoint.port, state.s3.ports.s3);
    await resolved.stop();
    assert.ok(pidExists(state.temporal.pid) && pidExists(state.s3.pid), 'stop() of a reused stack is a no-op');

    // Data from before the restart is still there, ports remembered.
    const names = await listNames(makeS3Client(up.info.s3.endpoint, up.info.s3.worker), up.info.buckets.recordings);
    assert.ok(names.some((n) => n.startsWith('matrix/')), 'recordings survived a restart');

    t = Date.now();
    const down = await stopDetachedStack({ dataDir: dirA });
    timings.detachedDown = Date.now() - t;
    assert.deepEqual([...down.pids].sort(), [state.temporal.pid, state.s3.pid, state.postgres!.pid].sort());
    for (const pid of down.pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `pid ${pid} survived stack down`);
    assert.equal(readStackState({ dataDir: dirA }), undefined);
    assert.equal((await stackStatus({ dataDir: dirA })).healthy, false);
  });

  it('external endpoints are used as given and start nothing', async () => {
    const creds: Creds = { accessKey: 'AKIDEXAMPLE', secretKey: 'secret' };
    const handle = await resolveStack({
      dataDir: path.join(tmp, 'unused'),
      env: { TEMPORAL_ADDRESS: 'temporal.example:7233', TEMPORAL_NAMESPACE: 'qa', S3_ENDPOINT: 'https://s3.example', S3_ACCESS_KEY: creds.accessKey, S3_SECRET_KEY: creds.secretKey, S3_REGION: 'eu-west-1' },
    });
    assert.equal(handle.info.embedded, false);
    assert.deepEqual(handle.pids, []);
    assert.deepEqual(handle.info.temporal, { address: 'temporal.example:7233', namespace: 'qa', embedded: false });
    assert.deepEqual(handle.info.s3.endpoint, { endPoint: 's3.example', port: 443, useSSL: true, region: 'eu-west-1' });
    assert.deepEqual(handle.info.s3.uploader, creds, 'one key for both roles when no uploader key is given');
    assert.equal(handle.info.s3.admin, undefined);
    assert.equal(fs.existsSync(path.join(tmp, 'unused')), false, 'nothing written for external services');
    await assert.rejects(resolveStack({ dataDir: path.join(tmp, 'unused'), env: { TEMPORAL_ADDRESS: 'x:1', S3_ENDPOINT: 'http://127.0.0.1:9' } }), /S3_ACCESS_KEY/);
    assert.deepEqual(parseS3Endpoint('http://127.0.0.1:9000', 'us-east-1'), { endPoint: '127.0.0.1', port: 9000, useSSL: false, region: 'us-east-1' });
    assert.throws(() => parseS3Endpoint('http://host:9000/bucket'), /must be scheme:\/\/host\[:port\] only/);
    assert.throws(() => parseS3Endpoint('ftp://host'), /must use http or https, got ftp:/);
  });

  it('servers die with an owner that crashes or is terminated; orphans of a SIGKILLed owner are reaped', async () => {
    const t = Date.now();
    const [crashing, terminated, killed] = await Promise.all([
      spawnOwner(path.join(tmp, 'crash'), 'throw'),
      spawnOwner(path.join(tmp, 'term'), 'wait'),
      spawnOwner(path.join(tmp, 'kill'), 'wait'),
    ]);
    timings.ownersStarted = Date.now() - t;
    terminated.child.kill('SIGTERM');
    killed.child.kill('SIGKILL');
    await Promise.all([exited(crashing.child), exited(terminated.child), exited(killed.child)]);
    assert.equal(terminated.child.signalCode, 'SIGTERM', 'the owner still dies of SIGTERM');
    await waitGone([...crashing.pids, ...terminated.pids], 5_000);

    // SIGKILL gives no chance to clean up: the servers survive until the next start on that data dir.
    assert.ok(killed.pids.every(pidExists), 'SIGKILL leaves orphans (expected)');
    timings.ownersGone = Date.now() - t;
    const next = await startStack({ dataDir: path.join(tmp, 'kill') });
    timings.reapAndStart = Date.now() - t;
    try {
      // Reparented to PID 1, which collects the exit status in its own time: allow it a moment.
      await waitGone(killed.pids, 5_000);
    } finally {
      await next.stop();
    }
    await waitGone(next.pids, 1_000);
    timings.ownerScenarios = Date.now() - t;
  });
});
