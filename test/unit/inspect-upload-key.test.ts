// A local file's name may hold an ID or phone number (full-width from Chinese input methods, or spaced):
// the key it is uploaded under, and so every progress line, id and history that names the key, has it
// masked (issue 18 item 4).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as Minio from 'minio';
import { uploadRecording, uploadKeyOf, type InspectContext } from '../../intake/inspect';

describe('the upload key of a local file', () => {
  it('masks numbers in the file name, whatever their form, and keeps the rest', () => {
    assert.equal(uploadKeyOf('/in/客户１１０１０５１９８５０３０７０４９Ｘ.mp4', 'uploads/2026-12-08/'), 'uploads/2026-12-08/客户１１０１**********０４９Ｘ.mp4');
    assert.equal(uploadKeyOf('/in/139 1234 5678_a.mp4', 'uploads/d'), 'uploads/d/13* **** **78_a.mp4');
    assert.equal(uploadKeyOf('/in/compliant_onsite.mp4', 'uploads/d'), 'uploads/d/compliant_onsite.mp4');
  });

  it('uploads the recording and its sidecar under the masked key', async () => {
    const put: string[] = [];
    const uploader = { fPutObject: async (_bucket: string, key: string) => void put.push(key) } as unknown as Minio.Client;
    const session = { info: { buckets: { recordings: 'recordings', reports: 'reports' } }, uploader } as unknown as InspectContext;
    const { key } = await uploadRecording(session, '/in/11010519850307049X.mp4', '/in/a.meta.json', 'uploads/d');
    assert.equal(key, 'uploads/d/1101**********049X.mp4');
    assert.deepEqual(put, ['uploads/d/1101**********049X.meta.json', key]);
  });
});
