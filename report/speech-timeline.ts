// The transcript as the labelled `speech` timeline: one utterance per turn (voice-activity region), with
// the step whose rule heard a statement or question in it, or whose reply it is (then the speaker is
// the customer: by the party's own track or channel where the recording has one, else by turn order; a
// reply serves its step only when it answered it).
import type { SpeechEvidence } from '../evidence/types';
import type { SpeechSpan } from '../lib/labelled';
import { maskText } from '../lib/mask';
import type { Judgement } from '../judge/types';
import { speakerOf } from '../speech/parties';
import { splitAtTurns, type Utterance } from '../speech/utterances';

interface Heard {
  step: string;
  kind: string;
  /** False on a reply that does not answer (嗯, 不清楚): it does not serve its step. */
  answered: boolean;
  from: number;
  to: number;
}

/** Seconds of the utterance the evidence covers; a verified (zero-length) statement covers a little. */
function covered(u: Utterance, e: Heard): number {
  const to = Math.max(e.to, e.from + 0.05);
  return Math.max(0, Math.min(u.to, to) - Math.max(u.from, e.from));
}

export function speechTimeline(speech: SpeechEvidence | undefined, judgement: Judgement): SpeechSpan[] {
  if (!speech) return [];
  const heard: Heard[] = judgement.steps.flatMap((step) =>
    step.rules.flatMap((r) =>
      r.evidence
        .filter((e) => e.kind === 'speech:statement' || e.kind === 'speech:question' || e.kind === 'speech:reply')
        .map((e) => ({ step: step.id, kind: e.kind, from: e.from, to: e.to, answered: e.kind !== 'speech:reply' || e.answered === true })),
    ),
  );
  return splitAtTurns(speech.segments, speech.vad).map((u) => {
    const region = u.region;
    const reply = region ? heard.find((e) => e.kind === 'speech:reply' && Math.abs(e.from - region.from) < 0.01 && Math.abs(e.to - region.to) < 0.01) : undefined;
    const said = heard
      .filter((e) => e.kind !== 'speech:reply')
      .map((e) => ({ e, s: covered(u, e) }))
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s);
    // A question heard in the "reply" region means the customer said nothing there: the agent went on.
    const asks = said.some((x) => x.e.kind === 'speech:question' && x.s >= 0.5 * (x.e.to - x.e.from));
    // A microphone per party says who spoke; otherwise turn order does.
    const heardFrom = region ? speakerOf(speech.parties, region) : null;
    const customer = heardFrom ? heardFrom === 'customer' : reply !== undefined && !asks;
    const step = customer ? (reply?.answered ? reply.step : undefined) : said[0]?.e.step;
    return { from: u.from, to: u.to, text: maskText(u.text), ...(customer ? { speaker: 'customer' } : {}), ...(step ? { step: step as SpeechSpan['step'] } : {}) };
  });
}
