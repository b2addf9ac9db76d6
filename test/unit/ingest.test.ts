// Ingest's sidecar handling on an in-memory stand-in for S3 (the activity in Temporal's mock activity
// environment): a sidecar is used only when it is valid JSON of the format and, when it names a recording,
// names this one (labelled-recordings.md: without a recordingId the id is the object key's).
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import type * as Minio from 'minio';
import { createIngestActivities, sidecarNamesRecording, type IngestResult } from '../../activities/ingest';
import type { ActivityDeps } from '../../activities/deps';
import type { IngestEvidence } from '../../evidence/types';
import { createLogger } from '../../lib/logger';

function memoryS3(objects: Map<string, Buffer>): Minio.Client {
  const notFound = () => Object.assign(new Error('Not Found'), { code: 'NotFound' });
  const fake = {
    statObject(bucket: string, key: string) {
      const body = objects.get(`${bucket}/${key}`);
      if (!body) return Promise.reject(notFound());
      return Promise.resolve({ size: body.length, etag: `"etag-${body.length}"`, versionId: null, lastModified: new Date(0), metaData: {} });
    },
    getObject(bucket: string, key: string) {
      const body = objects.get(`${bucket}/${key}`);
      if (!body) return Promise.reject(Object.assign(new Error('no such key'), { code: 'NoSuchKey' }));
      return Promise.resolve(Readable.from([body]));
    },
    putObject(bucket: string, key: string, body: Buffer) {
      objects.set(`${bucket}/${key}`, body);
      return Promise.resolve({ etag: 'x', versionId: null });
    },
  };
  return fake as unknown as Minio.Client;
}

async function ingestWith(key: string, sidecar: unknown): Promise<IngestEvidence> {
  const objects = new Map<string, Buffer>([[`rec/${key}`, Buffer.from('not really a video')]]);
  if (sidecar !== undefined) objects.set(`rec/${key.replace(/\.[^./]+$/, '')}.meta.json`, Buffer.from(typeof sidecar === 'string' ? sidecar : JSON.stringify(sidecar)));
  const deps = { s3: memoryS3(objects), buckets: { recordings: 'rec', analyses: 'ana', reports: 'rep' }, logger: createLogger('ingest-test', 'silent') } as unknown as ActivityDeps;
  const activities = createIngestActivities(deps);
  const ingest = (input: { bucket: string; key: string }): Promise<IngestResult> => activities.ingestRecording(input);
  const result: IngestResult = await new MockActivityEnvironment().run(ingest, { bucket: 'rec', key });
  const stored = objects.get(`ana/${result.ingestKey}`);
  assert.ok(stored, 'ingest evidence written');
  const evidence = JSON.parse(stored.toString('utf8')) as IngestEvidence;
  assert.equal(result.sidecarStatus, evidence.sidecar.status);
  return evidence;
}

describe('ingest: which sidecar is trusted', () => {
  it('a recordingId names the recording when the file name carries it or it carries the file name', () => {
    assert.equal(sidecarNamesRecording('P2026112500017', 'in/P2026112500017.mp4'), true);
    assert.equal(sidecarNamesRecording('P2026112500017', 'in/p2026112500017_cam1.MP4'), true);
    assert.equal(sidecarNamesRecording('FX-spliced', 'it/spliced.mp4'), true);
    assert.equal(sidecarNamesRecording('P-SOMETHING-ELSE', 'h/other-sidecar.mp4'), false);
    assert.equal(sidecarNamesRecording('P2026112500018', 'in/P2026112500017.mp4'), false, 'the next policy is another recording');
  });

  it('a sidecar naming this recording, or none, is used', async () => {
    const named = await ingestWith('in/P2026112500017.mp4', { recordingId: 'P2026112500017', channel: 'bank', agent: { name: '王丽华', photoKey: 'photos/a.jpg' } });
    assert.equal(named.sidecar.status, 'ok');
    const unnamed = await ingestWith('in/P2026112500017.mp4', { channel: 'bank' });
    assert.equal(unnamed.sidecar.status, 'ok');
    assert.equal((await ingestWith('in/P2026112500017.mp4', undefined)).sidecar.status, 'absent');
  });

  it('a sidecar naming another recording is not used, and says so', async () => {
    const ev = await ingestWith('h/other-sidecar.mp4', { recordingId: 'P-SOMETHING-ELSE', policyNo: 'P-SOMETHING-ELSE', agent: { name: '别人', photoKey: 'photos/other.jpg' } });
    assert.equal(ev.sidecar.status, 'invalid');
    assert.ok(ev.sidecar.status === 'invalid' && /^sidecar names another recording: recordingId "P-SOMETHING-ELSE" is not other-sidecar\.mp4/.test(ev.sidecar.problem), JSON.stringify(ev.sidecar));
    assert.equal('meta' in ev.sidecar, false, 'none of its facts kept');
  });

  it('broken or wrongly shaped sidecars are still refused with their reason', async () => {
    const broken = await ingestWith('h/broken.mp4', '{ "policyNo": "P1", ');
    assert.ok(broken.sidecar.status === 'invalid' && /not valid JSON/.test(broken.sidecar.problem));
    const shape = await ingestWith('h/shape.mp4', { channel: 'carrier-pigeon' });
    assert.ok(shape.sidecar.status === 'invalid' && /does not match the format/.test(shape.sidecar.problem));
  });

  it('every field of the format is known: the reference example is used as it is', async () => {
    const ev = await ingestWith('in/P2026112500017.mp4', {
      recordingId: 'P2026112500017',
      policyNo: 'P2026112500017',
      product: { name: '安和鑫享年金保险', type: 'traditional' },
      channel: 'bank',
      remote: false,
      region: '320000',
      recordedAt: '2026-11-25T10:03:00+08:00',
      insurer: { id: 'anhe-life', name: '安和人寿保险股份有限公司' },
      branch: '320100-03',
      agent: { name: '王丽华', licenceNo: '02000132000080020160001234', photoKey: 'photos/a.jpg' },
      customer: { age: 63, name: '张三' },
      policy: { premium: 10000, paymentYears: 10, coolingOffDays: 15 },
    });
    assert.equal(ev.sidecar.status, 'ok', JSON.stringify(ev.sidecar));
  });

  it('fields the format does not define are named, at any depth, and the sidecar is not used', async () => {
    const ev = await ingestWith('in/P2026112500017.mp4', { channel: 'bank', salesman: 'x', agent: { name: '王丽华', licenceNO: '0200' }, policy: { coolingOffDay: 10 } });
    assert.equal(ev.sidecar.status, 'invalid');
    assert.equal('meta' in ev.sidecar, false, 'none of its facts kept');
    const problem = ev.sidecar.status === 'invalid' ? ev.sidecar.problem : '';
    assert.match(problem, /^sidecar has fields the format does not define: "[^(]+ \(labelled-recordings\.md lists the fields; none of its facts are used/, problem);
    for (const field of ['"salesman"', '"agent.licenceNO"', '"policy.coolingOffDay"']) assert.ok(problem.includes(field), `${field} named: ${problem}`);
    assert.doesNotMatch(problem, /0200/, 'values are not repeated');
    // Unknown fields and wrong values together: both said.
    const both = await ingestWith('in/P2026112500017.mp4', { channel: 'carrier-pigeon', extra: 1 });
    assert.ok(both.sidecar.status === 'invalid' && /"extra".*; sidecar does not match the format: channel: /.test(both.sidecar.problem), JSON.stringify(both.sidecar));
  });

  it('sidecar text is bounded and holds no control or invisible formatting characters', async () => {
    for (const [label, meta, says] of [
      ['a newline in a name', { agent: { name: '王丽华\n[PASS]' } }, /agent\.name: control or invisible formatting character U\+000A at character 3/],
      ['a right-to-left override', { policyNo: 'P1\u202e71000' }, /policyNo: control or invisible formatting character U\+202E/],
      ['a zero-width space', { customer: { name: '张\u200b三' } }, /customer\.name: control or invisible formatting character U\+200B/],
      ['a NUL', { branch: 'b\u0000' }, /branch: control/],
      ['a lone surrogate', { product: { name: 'x\ud800' } }, /product\.name: control or invisible formatting character U\+D800/],
      ['a long name', { agent: { name: '王'.repeat(101) } }, /agent\.name: Too big/],
      ['a premium beyond any policy', { policy: { premium: 1e12 } }, /policy\.premium: Too big/],
    ] as const) {
      const ev = await ingestWith('in/P2026112500017.mp4', meta);
      assert.ok(ev.sidecar.status === 'invalid' && says.test(ev.sidecar.problem), `${label}: ${JSON.stringify(ev.sidecar)}`);
    }
    // Ordinary names with spaces, dots and CJK punctuation are fine.
    const fine = await ingestWith('in/P2026112500017.mp4', { agent: { name: 'Anna-Maria O\'Neil · 王' }, product: { name: '安和（鑫享）年金保险 2026 版' } });
    assert.equal(fine.sidecar.status, 'ok', JSON.stringify(fine.sidecar));
  });

  it('keeps no personal number whole in the evidence: known fields masked, unknown field names masked in the problem', async () => {
    const ID = '11010519850307049X';
    const ok = await ingestWith('in/P2026112500017.mp4', {
      policyNo: 'P13912345678',
      branch: '320100-03',
      region: '320000',
      recordedAt: '2026-11-25T10:03:00+08:00',
      product: { name: `安享 ${ID.slice(0, 6)} ${ID.slice(6, 14)} ${ID.slice(14)}` },
      customer: { name: '张建国 电话１３９\u3000１２３４\u3000５６７８' },
      insurer: { name: '安和 139-1234-5678' },
      agent: { name: '王丽华', licenceNo: '0201320106588021', photoKey: 'photos/0201320106588021.jpg' },
    });
    assert.equal(ok.sidecar.status, 'ok');
    const meta = ok.sidecar.status === 'ok' ? ok.sidecar.meta : {};
    const kept = JSON.stringify(meta).normalize('NFKC').replace(/[\s-]/g, '');
    for (const n of [ID, '13912345678', '0201320106588021']) assert.ok(!kept.replace('photos/0201320106588021.jpg', '').includes(n), `${n} whole in ${kept}`);
    assert.equal(meta.branch, '320100-03', 'a branch code stays whole');
    assert.equal(meta.region, '320000');
    assert.equal(meta.recordedAt, '2026-11-25T10:03:00+08:00');
    assert.equal(meta.agent?.photoKey, 'photos/0201320106588021.jpg', 'an address the media analysis fetches');
    assert.equal(meta.agent?.name, '王丽华');
    const phoneBranch = await ingestWith('in/P2026112500017.mp4', { branch: '13912345678' });
    assert.ok(phoneBranch.sidecar.status === 'ok' && !phoneBranch.sidecar.meta.branch?.includes('13912345678'));

    const unknown = await ingestWith('in/P2026112500017.mp4', { [ID]: 'x', ['电话１３９１２３４５６７８']: '1', contact: { id: ID } });
    const problem = unknown.sidecar.status === 'invalid' ? unknown.sidecar.problem : '';
    assert.match(problem, /fields the format does not define/);
    assert.ok(!problem.normalize('NFKC').includes(ID) && !problem.normalize('NFKC').includes('13912345678'), problem);
  });
});
