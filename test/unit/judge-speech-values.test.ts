// value_said (judge/checks/speech-values.ts): a policy number said as the record has it PASSes; a
// differing number FAILs only when the audio prefers it; anything less is for a reviewer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SpeechEvidence } from '../../evidence/types';
import { checkValueSaid } from '../../judge/checks/speech-values';
import type { EvidenceSet } from '../../judge/types';
import { ingest } from '../helpers/judge-evidence';
import { rule, speechEvidence } from '../helpers/speech-evidence';

describe('value_said', () => {
  const r = rule({ check: 'value_said', label: '犹豫期天数', value: 'coolingOffDays', near: ['犹豫期'], units: ['天'] });
  const withPolicy = { ...ingest, sidecar: { ...ingest.sidecar, meta: { ...(ingest.sidecar.status === 'ok' ? ingest.sidecar.meta : {}), policy: { coolingOffDays: 15 } } } } as EvidenceSet['ingest'];
  const ev = (value: NonNullable<SpeechEvidence['values']['coolingOffDays']>, extra: Partial<SpeechEvidence> = {}): EvidenceSet => ({
    ingest: withPolicy,
    speech: speechEvidence([[10, 12, '犹豫期为十天']], { values: { coolingOffDays: value }, ...extra }),
  });
  const near = { expected: 'near' as const, from: 10, to: 12, cueHeard: true, heardValue: 10 };

  it('is not applied without the number in the sidecar', () => {
    const out = checkValueSaid(r, { ingest, speech: speechEvidence([[10, 12, '犹豫期为十天']]) });
    assert.equal(out.applies, false);
    assert.equal(out.verdict, 'CANNOT_JUDGE');
  });
  it('leaves a number not heard next to its term to the statement rule and a reviewer', () => {
    const out = checkValueSaid(r, ev({ expected: 'absent', cueHeard: false }));
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.match(out.reason, /no number with 天 heard next to 犹豫期/);
  });
  it('passes the record’s number', () => {
    assert.equal(checkValueSaid(r, ev({ expected: 'exact', from: 10, to: 12, heardValue: 15 })).verdict, 'PASS');
  });
  it('passes a misheard number the audio confirms as the record’s', () => {
    // 八 for 十五: different sounds, so a fair share of the heard text's score is the audio's answer.
    assert.equal(checkValueSaid(r, ev({ ...near, heardValue: 8, verifyScore: 0.12, heardScore: 0.15 })).verdict, 'PASS');
  });
  it('asks more of the record when one number is said inside the other (十 in 十五, 十 in 二十)', () => {
    // The record's shorter text aligns inside the longer one said: only scoring at least as well counts.
    const nested = checkValueSaid(r, ev({ ...near, verifyScore: 0.12, heardScore: 0.15 }));
    assert.equal(nested.verdict, 'CANNOT_JUDGE');
    assert.match(nested.reason, /said inside the other/);
    assert.equal(checkValueSaid(r, ev({ ...near, verifyScore: 0.16, heardScore: 0.15 })).verdict, 'PASS');
  });
  it('FAILs another number only when the audio prefers it, with both scores and numbers', () => {
    const out = checkValueSaid(r, ev({ ...near, verifyScore: 0.004, heardScore: 0.2 }));
    assert.equal(out.verdict, 'FAIL');
    assert.match(out.reason, /10 said .* record has 15/);
  });
  it('leaves it to a reviewer when the audio does not settle it, or is poor', () => {
    assert.equal(checkValueSaid(r, ev({ ...near, verifyScore: 0.004, heardScore: 0.02 })).verdict, 'CANNOT_JUDGE');
    assert.equal(checkValueSaid(r, ev({ ...near })).verdict, 'CANNOT_JUDGE');
    const poor = ev({ ...near, verifyScore: 0.004, heardScore: 0.2 }, { quality: { status: 'poor', reason: 'noisy', meanLogProb: -1, transcribedShare: 1 } });
    assert.equal(checkValueSaid(r, poor).verdict, 'CANNOT_JUDGE');
  });
  it('says analyse again when the evidence predates the rule', () => {
    const old = checkValueSaid(r, { ingest: withPolicy, speech: speechEvidence([[10, 12, '犹豫期为十五天']]) });
    assert.equal(old.verdict, 'CANNOT_JUDGE');
    assert.match(old.reason, /analyse again/);
  });
});
