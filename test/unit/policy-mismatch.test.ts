// Faulty policy-number cases are derived from compliant ones only where the labelled transcript says the number.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { writePolicyMismatches } from '../../fixtures/policy-mismatch';

describe('writePolicyMismatches', () => {
  it('alters the record of each number the agent says and labels the explanation FAIL', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-'));
    const file = (n: string, body: unknown) => (fs.writeFileSync(path.join(dir, n), typeof body === 'string' ? body : JSON.stringify(body)), path.join(dir, n));
    const steps = { opening: 'PASS', explanation: 'PASS' };
    const speech = [{ text: '保费每年八千六百元，交费期五年。' }, { text: '有15天的犹豫期。' }];
    const files = {
      media: file('a.mp4', 'media'),
      meta: file('a.meta.json', { recordingId: 'A', policy: { premium: 8600, paymentYears: 5, coolingOffDays: 15 } }),
      labels: file('a.labels.json', { version: 1, steps, speech }),
    };
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-out-'));
    assert.deepEqual(writePolicyMismatches('a', files, out).sort(), ['a-policy_coolingOffDays', 'a-policy_paymentYears', 'a-policy_premium']);
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'a-policy_coolingOffDays.meta.json'), 'utf8')) as { policy: unknown };
    assert.deepEqual(meta.policy, { premium: 8600, paymentYears: 5, coolingOffDays: 10 });
    const labels = JSON.parse(fs.readFileSync(path.join(out, 'a-policy_premium.labels.json'), 'utf8')) as { steps: Record<string, string> };
    assert.equal(labels.steps.explanation, 'FAIL');
    assert.equal(fs.readFileSync(path.join(out, 'a-policy_premium.mp4'), 'utf8'), 'media');
    // A number the transcript never says, or a case already faulty, gives no case.
    fs.writeFileSync(files.labels, JSON.stringify({ version: 1, steps, speech: [{ text: '犹豫期内可以退保。' }] }));
    assert.deepEqual(writePolicyMismatches('a', files, out), []);
    fs.writeFileSync(files.labels, JSON.stringify({ version: 1, steps: { ...steps, opening: 'FAIL' }, speech }));
    assert.deepEqual(writePolicyMismatches('a', files, out), []);
  });
});
