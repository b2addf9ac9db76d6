// The dispatch from a rule's check kind to its function. The switch is exhaustive over the Rule union, so
// a kind added to rules/schema.ts without a check here does not compile.
import type { Rule } from '../../rules/schema';
import type { EvidenceSet, RuleOutcome } from '../types';
import { checkAnalyserRequired } from './analyser';
import { checkClockContinuous, checkDocumentShown, checkLicenceMatchesSidecar } from './documents';
import { checkEnrolledFaceMatch, checkMaxPeople, checkPartiesInFrame } from './faces';
import { checkNoMisleadingTalk, checkStatementSaid } from './speech';
import { checkCustomerAnswers } from './speech-answers';
import { checkValueSaid } from './speech-values';
import { checkStatementDelivery } from './speech-delivery';
import { checkDecodable, checkNoDefect, checkNoSuspectedSplice, checkStreamsPresent } from './streams';

export function runCheck(rule: Rule, ev: EvidenceSet): RuleOutcome {
  switch (rule.check) {
    case 'streams_present':
      return checkStreamsPresent(rule, ev);
    case 'decodable':
      return checkDecodable(rule, ev);
    case 'no_defect':
      return checkNoDefect(rule, ev);
    case 'analyser_required':
      return checkAnalyserRequired(rule, ev);
    case 'parties_in_frame':
      return checkPartiesInFrame(rule, ev);
    case 'enrolled_face_match':
      return checkEnrolledFaceMatch(rule, ev);
    case 'max_people_in_frame':
      return checkMaxPeople(rule, ev);
    case 'document_shown':
      return checkDocumentShown(rule, ev);
    case 'licence_matches_sidecar':
      return checkLicenceMatchesSidecar(rule, ev);
    case 'no_suspected_splice':
      return checkNoSuspectedSplice(rule, ev);
    case 'clock_continuous':
      return checkClockContinuous(rule, ev);
    case 'statement_said':
      return checkStatementSaid(rule, ev);
    case 'no_misleading_talk':
      return checkNoMisleadingTalk(rule, ev);
    case 'customer_answers':
      return checkCustomerAnswers(rule, ev);
    case 'value_said':
      return checkValueSaid(rule, ev);
    case 'statement_delivery':
      return checkStatementDelivery(rule, ev);
  }
}
