// What the rulebooks expect to hear, collected for the analyser: it verifies these texts against the
// audio once (forced alignment needs the text), so any rulebook version re-judges without the model.
import type { Rule, Rulebook, Overlay } from '../rules/schema';

export interface ExpectedSpeech {
  /** Per statement rule, its alternatives (templates with placeholders). */
  statements: string[][];
  /** Questions the customer must answer, with every reply text worth verifying after them. */
  questions: { phrases: string[]; replies: string[] }[];
}

function rulesOf(book: Rulebook, overlays: Overlay[]): Rule[] {
  return [...Object.values(book.steps).flatMap((s) => s.rules), ...overlays.flatMap((o) => Object.values(o.add).flat())];
}

export function expectedSpeech(book: Rulebook, overlays: Overlay[] = []): ExpectedSpeech {
  const statements = new Map<string, string[]>();
  const questions: ExpectedSpeech['questions'] = [];
  for (const rule of rulesOf(book, overlays)) {
    // Advisory lines fail nothing: neither worth verifying nor counted in the script coverage.
    if (rule.check === 'statement_said' && !rule.advisory) statements.set(rule.phrases.join('|'), rule.phrases);
    if (rule.check === 'customer_answers') {
      questions.push({ phrases: rule.question, replies: [...new Set([...rule.affirmative, ...rule.negative, ...rule.filler])] });
    }
  }
  return { statements: [...statements.values()], questions };
}
