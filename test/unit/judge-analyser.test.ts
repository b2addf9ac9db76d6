// analyser_required (judge/checks/analyser.ts): a requirement no check reads yet is CANNOT_JUDGE whatever
// evidence exists, and the reason says whether the analyser failed, ran, or does not exist.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAnalyserRequired } from '../../judge/checks/analyser';
import { facesEvidence } from '../helpers/judge-evidence';
import { rule } from '../helpers/speech-evidence';

describe('analyser_required', () => {
  const pending = rule({ check: 'analyser_required', says: '客户身份', analyser: 'faces' });

  it('is CANNOT_JUDGE naming the failure when the analysis failed', () => {
    const out = checkAnalyserRequired(pending, { failures: { faces: 'model missing' } });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '客户身份: the faces analysis failed (model missing)');
  });

  it('is CANNOT_JUDGE, never PASS, when the evidence was collected', () => {
    const out = checkAnalyserRequired(pending, { faces: facesEvidence() });
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '客户身份: this version does not check this requirement yet (it needs more than the faces evidence), so it cannot be judged');
  });

  it('is CANNOT_JUDGE when the analyser is not available', () => {
    const out = checkAnalyserRequired(pending, {});
    assert.equal(out.verdict, 'CANNOT_JUDGE');
    assert.equal(out.reason, '客户身份: the faces analyser is not available in this version, so this cannot be judged');
    assert.deepEqual(out.evidence, []);
  });
});
