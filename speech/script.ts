// What the rulebooks expect to hear, collected for the analyser: it verifies these texts against the
// audio once (forced alignment needs the text), so any rulebook version re-judges without the model.
import type { Rule, Rulebook, Overlay } from '../rules/schema';
import type { Concept } from './concept';
import type { PolicyNumberSpec } from './numbers';

export interface ExpectedStatement {
  /** Exact wordings (templates with placeholders), the insurer's own first. */
  phrases: string[];
  /** The statement's key terms, when the rulebook gives them. */
  concept?: Concept;
}

export interface ExpectedSpeech {
  /** Per statement rule, what would show it was said. */
  statements: ExpectedStatement[];
  /** Questions the customer must answer, with every reply text worth verifying after them. */
  questions: { phrases: string[]; replies: string[] }[];
  /** Policy numbers to look for next to their terms (rules `value_said`); checked only when the sidecar has them. */
  values: PolicyNumberSpec[];
}

function rulesOf(book: Rulebook, overlays: Overlay[]): Rule[] {
  return [...Object.values(book.steps).flatMap((s) => s.rules), ...overlays.flatMap((o) => Object.values(o.add).flat())];
}

/** Every overlay's insurer wordings for one rule id (all insurers: analysis must not depend on which overlay applies). */
function insurerWordings(overlays: Overlay[], ruleId: string): string[] {
  return overlays.flatMap((o) => o.wordings?.[ruleId] ?? []);
}

export function expectedSpeech(book: Rulebook, overlays: Overlay[] = [], insurerId?: string): ExpectedSpeech {
  const statements = new Map<string, ExpectedStatement>();
  const questions: ExpectedSpeech['questions'] = [];
  const values = new Map<string, PolicyNumberSpec>();
  for (const rule of rulesOf(book, overlays)) {
    if (rule.check === 'value_said' && !values.has(rule.value)) values.set(rule.value, { name: rule.value, near: rule.near, units: rule.units, maxGap: rule.maxGap });
    // Advisory lines fail nothing: neither worth verifying nor counted in the script coverage.
    if (rule.check === 'statement_said' && !rule.advisory) {
      // The recording's own insurer's wordings are verified first (verification is bounded per statement).
      const own = overlays.filter((o) => insurerId !== undefined && o.appliesWhen.insurers?.includes(insurerId)).flatMap((o) => o.wordings?.[rule.id] ?? []);
      const phrases = [...new Set([...own, ...rule.insurerPhrases, ...rule.phrases, ...insurerWordings(overlays, rule.id)])];
      statements.set(rule.id, { phrases, ...(rule.concept ? { concept: rule.concept } : {}) });
    }
    if (rule.check === 'customer_answers') {
      questions.push({ phrases: rule.question, replies: [...new Set([...rule.affirmative, ...rule.negative, ...rule.filler])] });
    }
  }
  return { statements: [...statements.values()], questions, values: [...values.values()] };
}
