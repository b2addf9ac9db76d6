// S3 event notifications in the shapes senders really use, reduced to the objects written; and the
// webhook's bearer token check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeEventKey, isKnownEventFormat, objectsWritten } from '../../intake/s3-events';
import { authorised } from '../../intake/webhook';

// Shapes as SeaweedFS 4.48's filer webhook posted them (captured from `weed mini`, trimmed).
const seaweedVersioned = {
  event_type: 'create',
  key: '/buckets/recordings/batch/x.mp4.versions/v_6714205cfa751c1ce1557dbdf339ef36',
  message: {
    new_entry: { name: 'v_6714205cfa751c1ce1557dbdf339ef36', chunks: [{ size: 5 }], attributes: { file_size: 5 } },
    delete_chunks: true,
    new_parent_path: '/buckets/recordings/batch/x.mp4.versions',
  },
};
const seaweedVersionsFolderUpdate = {
  event_type: 'update',
  key: '/buckets/recordings/batch/x.mp4.versions',
  message: { old_entry: { name: 'x.mp4.versions', is_directory: true }, new_entry: { name: 'x.mp4.versions', is_directory: true } },
};
const seaweedPlain = { event_type: 'create', key: '/buckets/reports/r1/report.json', message: { new_entry: { name: 'report.json' } } };
const seaweedOwners = { event_type: 'create', key: '/buckets/.system/owners/.complete', message: { new_entry: { name: '.complete' } } };
const seaweedDelete = { event_type: 'delete', key: '/buckets/recordings/a.mp4', message: { old_entry: { name: 'a.mp4' } } };
const seaweedMultipart = { event_type: 'create', key: '/buckets/recordings/.uploads/abc/0001.part', message: { new_entry: { name: '0001.part' } } };

// AWS S3 event message structure (version 2.x) and MinIO's, which adds EventName/Key and escapes '/'.
const aws = {
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-11-27T10:00:00.000Z',
      eventName: 'ObjectCreated:Put',
      s3: { s3SchemaVersion: '1.0', bucket: { name: 'recordings', arn: 'arn:aws:s3:::recordings' }, object: { key: 'batch/red+flower+%E5%8F%8C%E5%BD%95.mp4', size: 10, eTag: 'abc' } },
    },
    { eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: 'recordings' }, object: { key: 'gone.mp4' } } },
  ],
};
const minio = {
  EventName: 's3:ObjectCreated:CompleteMultipartUpload',
  Key: 'recordings/batch/a b.mp4',
  Records: [
    {
      eventVersion: '2.0',
      eventSource: 'minio:s3',
      eventName: 's3:ObjectCreated:CompleteMultipartUpload',
      s3: { bucket: { name: 'recordings' }, object: { key: 'batch%2Fa+b.mp4', size: 1, eTag: 'e', versionId: 'v1', sequencer: '1' } },
    },
  ],
};

describe('S3 event notifications', () => {
  it('SeaweedFS: a version written in a versioned bucket is its object; folders, deletes, internals are not writes', () => {
    assert.deepEqual(objectsWritten(seaweedVersioned), [{ bucket: 'recordings', key: 'batch/x.mp4', format: 'seaweedfs' }]);
    assert.deepEqual(objectsWritten(seaweedPlain), [{ bucket: 'reports', key: 'r1/report.json', format: 'seaweedfs' }]);
    for (const e of [seaweedVersionsFolderUpdate, seaweedOwners, seaweedDelete, seaweedMultipart]) assert.deepEqual(objectsWritten(e), [], e.key);
  });

  it('AWS and MinIO records: created objects only, keys decoded (+ is a space, UTF-8 percent-escapes)', () => {
    assert.deepEqual(objectsWritten(aws), [{ bucket: 'recordings', key: 'batch/red flower 双录.mp4', format: 'aws' }]);
    assert.deepEqual(objectsWritten(minio), [{ bucket: 'recordings', key: 'batch/a b.mp4', format: 'aws' }]);
    assert.equal(decodeEventKey('100%'), '100%', 'a key that is not percent-encoded is kept');
  });

  it('tells notification bodies from anything else', () => {
    for (const body of [aws, minio, seaweedVersioned, seaweedDelete]) assert.equal(isKnownEventFormat(body), true);
    for (const body of [null, [], 'x', { hello: 1 }, { key: '/a' }]) assert.equal(isKnownEventFormat(body), false);
  });

  it('bearer token: exact match only', () => {
    assert.equal(authorised('Bearer s3cret', 's3cret'), true);
    assert.equal(authorised('bearer   s3cret', 's3cret'), true);
    for (const h of [undefined, '', 's3cret', 'Bearer s3cre', 'Bearer s3cret2', 'Basic s3cret']) assert.equal(authorised(h, 's3cret'), false, String(h));
  });
});
