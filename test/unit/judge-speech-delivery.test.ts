// statement_delivery (issue #22): a statement read too fast, or only partly said, FAILs with its figure on
// good audio; a statement not found, or poor audio, leaves the rule unapplied; untranscribed speech near a
// partly heard statement is CANNOT_JUDGE.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkStatementDelivery } from '../../judge/checks/speech-delivery';
import type { EvidenceSet } from '../../judge/types';
import { rule, speechEvidence } from '../helpers/speech-evidence';
import { integrity } from '../helpers/judge-evidence';

const EXCLUSIONS = '责任免除请看免责条款说明例如酒驾导致的身故不予赔付';
const keyed = { label: '责任免除', anchor: ['责任免除', '免责条款'], keyContent: [['酒驾', '故意犯罪'], ['不予赔付', '不承担']] };
const coverage = rule({ check: 'statement_delivery', ...keyed, minCoverage: 1 });
const rate = rule({ check: 'statement_delivery', ...keyed, maxCharsPerS: 6.5 });
const ev = (lines: [number, number, string][], extra = {}): EvidenceSet => ({ speech: speechEvidence(lines, extra) });

describe('statement_delivery', () => {
  it('PASSes a whole statement read calmly (25 characters over 5.2 s of voice activity), with both figures', () => {
    const e = ev([[10, 15, EXCLUSIONS]]);
    const c = checkStatementDelivery(coverage, e);
    assert.equal(c.verdict, 'PASS', c.reason);
    assert.match(c.reason, /key content 3\/3/);
    const r = checkStatementDelivery(rate, e);
    assert.equal(r.verdict, 'PASS', r.reason);
    assert.match(r.reason, /4\.8 characters\/s over the speech of 9\.9–15\.1 s/);
  });

  it('FAILs the same statement read in 2.8 s (3.0 s of voice activity, 8.3 characters/s) with the rate', () => {
    const r = checkStatementDelivery(rate, ev([[10, 12.8, EXCLUSIONS]]));
    assert.equal(r.verdict, 'FAIL', r.reason);
    assert.match(r.reason, /too fast: 8\.3 characters\/s > 6\.5/);
    assert.equal(r.evidence[0]?.kind, 'speech:delivery');
  });

  it('FAILs a statement broken off after its name, naming what was not heard', () => {
    const c = checkStatementDelivery(coverage, ev([[10, 12.4, '责任免除请看免责条款说明'], [13, 16, '年交保费一万二千元交五年']]));
    assert.equal(c.verdict, 'FAIL', c.reason);
    assert.match(c.reason, /33 % < 100 %.*酒驾、不予赔付/);
  });

  it('leaves the rule unapplied when the statement is not found or the audio is poor', () => {
    const absent = checkStatementDelivery(coverage, ev([[10, 13, '年交保费一万二千元交五年']]));
    assert.deepEqual([absent.applies, absent.verdict], [false, 'CANNOT_JUDGE'], 'unapplied is never a PASS');
    const poor = checkStatementDelivery(rate, ev([[10, 12.8, EXCLUSIONS]], { quality: { status: 'poor', reason: 'noisy', meanLogProb: -1, transcribedShare: 0.5 } }));
    assert.deepEqual([poor.applies, poor.verdict], [false, 'CANNOT_JUDGE']);
    assert.match(poor.reason, /too poor/);
  });

  it('is CANNOT_JUDGE when speech next to a partly heard statement was not transcribed', () => {
    const e = ev([[10, 12.4, '责任免除请看免责条款说明']]);
    e.speech!.vad.push({ from: 12.6, to: 15 });
    const c = checkStatementDelivery(coverage, e);
    assert.equal(c.verdict, 'CANNOT_JUDGE', c.reason);
    assert.match(c.reason, /could not be transcribed/);
  });

  it('is CANNOT_JUDGE, not FAIL, for a partly heard statement next to sound that could not be decoded', () => {
    const e: EvidenceSet = {
      ...ev([[10, 12.4, '责任免除请看免责条款说明'], [13, 16, '年交保费一万二千元交五年']]),
      integrity: { ...integrity([{ type: 'undecodable', from: 12.5, to: 13, reason: 'the audio could not be decoded', source: 'decoder', detail: { stream: 'audio', packets: 4 } }]) },
    };
    const c = checkStatementDelivery(coverage, e);
    assert.equal(c.verdict, 'CANNOT_JUDGE', c.reason);
    assert.match(c.reason, /could not be decoded/);
  });

  it('does not measure a rate over a span shorter than minSpanS', () => {
    const r = checkStatementDelivery(rate, ev([[10, 11.5, '责任免除酒驾不予赔付']]));
    assert.equal(r.verdict, 'PASS', r.reason);
    assert.match(r.reason, /span too short/);
  });
});
