// The labelled-recordings format (shared/reference/labelled-recordings.md): the sidecar an insurer's
// system stores beside a recording, and the ground-truth labels. Reports reuse the timeline shapes.
import { z } from 'zod';

export const STEP_IDS = [
  'opening',
  'agent_identity',
  'customer_identity',
  'documents_shown',
  'explanation',
  'disclosure',
  'clear_answer',
  'signing',
  'continuity',
  'coframing',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export const VERDICTS = ['PASS', 'FAIL', 'CANNOT_JUDGE'] as const;
export type Verdict = (typeof VERDICTS)[number];

export const DOCUMENT_TYPES = ['agent_licence', 'id_card', 'risk_notice', 'policy_terms', 'exclusions', 'other'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const DEFECT_TYPES = [
  'cut',
  'black',
  'frozen',
  'silence',
  'truncated',
  'av_mismatch',
  'clock_jump',
  'undecodable',
  'no_audio',
  'no_video',
  'unreadable',
] as const;
export type DefectType = (typeof DEFECT_TYPES)[number];

/**
 * Characters a sidecar's text may not hold: controls (C0, DEL, C1), line and paragraph separators, marks
 * that reorder or hide text when shown (bidi embeddings, overrides and isolates, zero-width characters, the
 * byte-order mark) and lone surrogates. A sidecar is untrusted text that reports and review pages show.
 */
export function forbiddenCharacter(text: string): { char: string; at: number } | null {
  let at = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const bad =
      c < 0x20 ||
      (c >= 0x7f && c < 0xa0) ||
      c === 0x061c ||
      (c >= 0x200b && c <= 0x200f) ||
      (c >= 0x2028 && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069) ||
      c === 0xfeff ||
      (c >= 0xd800 && c <= 0xdfff);
    if (bad) return { char: `U+${c.toString(16).toUpperCase().padStart(4, '0')}`, at };
    at++;
  }
  return null;
}

/** Untrusted text of at most `max` characters, none of them forbidden. */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((value, ctx) => {
      const bad = forbiddenCharacter(value);
      if (bad) ctx.addIssue({ code: 'custom', message: `control or invisible formatting character ${bad.char} at character ${bad.at}` });
    });

/**
 * The sidecar: every object is strict. A field the format does not define is refused with its name (see
 * `unknownSidecarFields`): a misspelt field ("licenceNO") would otherwise drop, without a word, the check
 * it was meant to feed, and the report would look as if the insurer's record had nothing to say.
 */
export const sidecarSchema = z
  .object({
    recordingId: text(200).min(1).optional(),
    policyNo: text(100).optional(),
    product: z
      .object({
        name: text(200).optional(),
        type: z.enum(['traditional', 'participating', 'universal', 'investment_linked', 'health', 'other']).optional(),
      })
      .strict()
      .optional(),
    channel: z.enum(['bank', 'agent', 'broker', 'telesales', 'internet', 'other']).optional(),
    remote: z.boolean().optional(),
    region: z.string().regex(/^\d{6}$/).optional(),
    recordedAt: z.string().max(40).datetime({ offset: true }).optional(),
    agent: z
      .object({
        name: text(100).optional(),
        licenceNo: text(100).optional(),
        photoKey: text(1024).optional(),
      })
      .strict()
      .optional(),
    /** Picks the insurer's script library (its own wordings) and fills {company}. */
    insurer: z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/).optional(), name: text(200).optional() }).strict().optional(),
    /** The selling branch (dashboards, reviewer scoping). */
    branch: text(100).optional(),
    /** `name` fills {customerName}; personal data, never shown unmasked. */
    customer: z.object({ age: z.number().int().min(0).max(130).optional(), name: text(100).optional() }).strict().optional(),
    /** Numbers the agent must say, when the insurer's record has them (POLICY_NUMBERS). */
    policy: z
      .object({
        premium: z.number().min(0).max(1e10).optional(),
        paymentYears: z.number().int().min(0).max(100).optional(),
        coolingOffDays: z.number().int().min(0).max(366).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The fields a sidecar failed on for being unknown to the format, as dotted paths (`agent.licenceNO`). */
export function unknownSidecarFields(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path.map(String), k].join('.')) : []));
}
export type Sidecar = z.infer<typeof sidecarSchema>;

/** The sidecar's policy figures a rulebook may ask the agent to say (rule check `value_said`). */
export const POLICY_NUMBERS = ['coolingOffDays', 'premium', 'paymentYears'] as const;
export type PolicyNumber = (typeof POLICY_NUMBERS)[number];

const seconds = z.number().finite().min(0);

export const faceSpanSchema = z.object({ from: seconds, to: seconds, count: z.number().int().min(0) }).passthrough();
export const documentSpanSchema = z.object({ type: z.enum(DOCUMENT_TYPES), from: seconds, to: seconds }).passthrough();
export const speechSpanSchema = z
  .object({
    from: seconds,
    to: seconds,
    speaker: z.string().optional(),
    text: z.string(),
    step: z.enum(STEP_IDS).optional(),
  })
  .passthrough();
export const defectSchema = z
  .object({ type: z.enum(DEFECT_TYPES), at: seconds.optional(), from: seconds.optional(), to: seconds.optional() })
  .passthrough();

export type FaceSpan = z.infer<typeof faceSpanSchema>;
export type DocumentSpan = z.infer<typeof documentSpanSchema>;
export type SpeechSpan = z.infer<typeof speechSpanSchema>;
export type Defect = z.infer<typeof defectSchema>;

export const labelsSchema = z.object({
  version: z.literal(1),
  steps: z.partialRecord(z.enum(STEP_IDS), z.enum(VERDICTS)).default({}),
  faces: z.array(faceSpanSchema).default([]),
  documents: z.array(documentSpanSchema).default([]),
  speech: z.array(speechSpanSchema).default([]),
  defects: z.array(defectSchema).default([]),
});
export type Labels = z.infer<typeof labelsSchema>;
