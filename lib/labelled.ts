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
  'no_audio',
  'no_video',
  'unreadable',
] as const;
export type DefectType = (typeof DEFECT_TYPES)[number];

export const sidecarSchema = z
  .object({
    recordingId: z.string().min(1).max(200).optional(),
    policyNo: z.string().max(100).optional(),
    product: z
      .object({
        name: z.string().max(200).optional(),
        type: z.enum(['traditional', 'participating', 'universal', 'investment_linked', 'health', 'other']).optional(),
      })
      .optional(),
    channel: z.enum(['bank', 'agent', 'broker', 'telesales', 'internet', 'other']).optional(),
    remote: z.boolean().optional(),
    region: z.string().regex(/^\d{6}$/).optional(),
    recordedAt: z.string().datetime({ offset: true }).optional(),
    agent: z
      .object({
        name: z.string().max(100).optional(),
        licenceNo: z.string().max(100).optional(),
        photoKey: z.string().max(1024).optional(),
      })
      .optional(),
    /** Picks the insurer's script library (its own wordings) and fills {company}. */
    insurer: z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/).optional(), name: z.string().max(200).optional() }).optional(),
    /** The selling branch (dashboards, reviewer scoping). */
    branch: z.string().max(100).optional(),
    /** `name` fills {customerName}; personal data, never shown unmasked. */
    customer: z.object({ age: z.number().int().min(0).max(130).optional(), name: z.string().max(100).optional() }).optional(),
    /** Numbers the agent must say, when the insurer's record has them. */
    policy: z
      .object({
        premium: z.number().min(0).optional(),
        paymentYears: z.number().int().min(0).max(100).optional(),
        coolingOffDays: z.number().int().min(0).max(366).optional(),
      })
      .optional(),
  })
  .passthrough();
export type Sidecar = z.infer<typeof sidecarSchema>;

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
