// The dispatch (judge/checks/run.ts): each check kind reaches its own function. The table is keyed by
// every kind of the Rule union, so a new kind does not compile here until it is listed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAnalyserRequired } from '../../judge/checks/analyser';
import { checkClockContinuous, checkDocumentShown, checkLicenceMatchesSidecar } from '../../judge/checks/documents';
import { checkEnrolledFaceMatch, checkMaxPeople, checkPartiesInFrame } from '../../judge/checks/faces';
import { runCheck } from '../../judge/checks/run';
import { checkNoMisleadingTalk, checkStatementSaid } from '../../judge/checks/speech';
import { checkCustomerAnswers } from '../../judge/checks/speech-answers';
import { checkValueSaid } from '../../judge/checks/speech-values';
import { checkStatementDelivery } from '../../judge/checks/speech-delivery';
import { checkDecodable, checkNoDefect, checkNoSuspectedSplice, checkStreamsPresent } from '../../judge/checks/streams';
import type { EvidenceSet, RuleOutcome } from '../../judge/types';
import type { Rule } from '../../rules/schema';
import { documentsEvidence, facesEvidence, ingest, integrity, showing } from '../helpers/judge-evidence';
import { rule, speechEvidence } from '../helpers/speech-evidence';

type Case<K extends Rule['check']> = [Record<string, unknown>, (r: Extract<Rule, { check: K }>, ev: EvidenceSet) => RuleOutcome];

const cases: { [K in Rule['check']]: Case<K> } = {
  streams_present: [{ streams: ['video', 'audio'] }, checkStreamsPresent],
  decodable: [{}, checkDecodable],
  no_defect: [{ defect: 'cut' }, checkNoDefect],
  no_suspected_splice: [{ withinS: 1 }, checkNoSuspectedSplice],
  analyser_required: [{ analyser: 'speech' }, checkAnalyserRequired],
  parties_in_frame: [{}, checkPartiesInFrame],
  enrolled_face_match: [{ minSimilarity: 0.5 }, checkEnrolledFaceMatch],
  max_people_in_frame: [{ maxPeople: 2 }, checkMaxPeople],
  document_shown: [{ types: ['id_card'] }, checkDocumentShown],
  licence_matches_sidecar: [{}, checkLicenceMatchesSidecar],
  clock_continuous: [{}, checkClockContinuous],
  statement_said: [{ label: '犹豫期', phrases: ['犹豫期为{N}天'] }, checkStatementSaid],
  no_misleading_talk: [{ phrases: ['保本'] }, checkNoMisleadingTalk],
  customer_answers: [{ label: '是否清楚', question: ['以上内容您是否清楚'] }, checkCustomerAnswers],
  value_said: [{ label: '犹豫期天数', value: 'coolingOffDays', near: ['犹豫期'], units: ['天'] }, checkValueSaid],
  statement_delivery: [{ label: '犹豫期', anchor: ['犹豫期'], keyContent: [['{N}天']], minCoverage: 1 }, checkStatementDelivery],
};

const ev: EvidenceSet = {
  ingest,
  integrity: integrity([]),
  faces: facesEvidence(),
  documents: documentsEvidence({ showings: [showing(1, 'id_card', 10, 12)] }),
  speech: speechEvidence([[50, 53, '犹豫期为十五天'], [60, 62, '以上内容您是否清楚'], [62.6, 63.1, '清楚']]),
};

describe('runCheck', () => {
  for (const [kind, [params, check]] of Object.entries(cases) as [Rule['check'], Case<Rule['check']>][]) {
    it(`sends ${kind} to its check`, () => {
      const r = rule({ check: kind, ...params });
      const out = runCheck(r, ev);
      assert.equal(out.ruleId, 'T-RULE');
      assert.deepEqual(out, check(r, ev));
    });
  }

  it('gives each kind a different outcome on the same evidence (so the cases above tell the checks apart)', () => {
    const reasons = Object.entries(cases).map(([kind, [params]]) => runCheck(rule({ check: kind as Rule['check'], ...params }), ev).reason);
    assert.equal(new Set(reasons).size, reasons.length, reasons.join('\n'));
  });
});
