// The rulebook format: declarative, schema-validated, versioned. Each step lists rules; each rule is a
// check kind with parameters and an id that reports cite. Code implements check kinds (judge/checks/, one file per evidence kind);
// rulebooks only choose and parametrise them.
import { z } from 'zod';
import { DEFECT_TYPES, POLICY_NUMBERS, STEP_IDS } from '../lib/labelled';

const ANALYSER_NAMES = ['ingest', 'integrity', 'faces', 'documents', 'speech'] as const;

const ruleId = z.string().regex(/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/, 'rule ids look like CONT-CUT');

const base = { id: ruleId, says: z.string().min(1), source: z.string().optional() };

const conceptSchema = z
  .object({
    all: z.array(z.array(z.string().min(1)).min(1)).min(1),
    ordered: z.boolean().default(false),
    maxGap: z.number().int().min(0).default(12),
    negations: z.array(z.string().min(1)).default(['不会有', '不会', '没有', '不存在', '无', '不']),
    /** Read-rate each term must reach; 0.8 lets a 2-syllable term through with one folded slip (shi ~ si). */
    minTermReadRate: z.number().min(0).max(1).default(0.8),
  })
  .strict();

export const ruleSchema = z.discriminatedUnion('check', [
  /** FAIL when a listed stream is missing: a recording without it cannot prove the step. */
  z.object({ ...base, check: z.literal('streams_present'), streams: z.array(z.enum(['video', 'audio'])).min(1) }),
  /** CANNOT_JUDGE when the file could not be decoded at all (not media, or nothing decodable). */
  z.object({ ...base, check: z.literal('decodable') }),
  /** FAIL when the integrity pass found a defect of this type lasting at least `minS` (spans only). */
  z.object({ ...base, check: z.literal('no_defect'), defect: z.enum(DEFECT_TYPES), minS: z.number().min(0).default(0) }),
  /**
   * 同框 and 离框: at least `minParties` people present for most of the recording, together for at least
   * `minTogetherShare` of the judged time, no party out of frame for `maxAbsenceS` or longer. Remote tiles
   * count as one frame. Spans too dark to see a face make the rule CANNOT_JUDGE unless it already FAILs.
   */
  z.object({
    ...base,
    check: z.literal('parties_in_frame'),
    minParties: z.number().int().min(1).default(2),
    minTogetherShare: z.number().min(0).max(1).default(0.9),
    maxAbsenceS: z.number().min(0).default(3),
  }),
  /**
   * The enrolled photo of the agent (sidecar agent.photoKey) matches a person in frame: cosine similarity
   * of SFace features ≥ `minSimilarity`. Faces under `minFacePx` are CANNOT_JUDGE, never a mismatch.
   * Without an enrolled photo the rule does not apply.
   */
  z.object({
    ...base,
    check: z.literal('enrolled_face_match'),
    minSimilarity: z.number().min(-1).max(1),
    minFacePx: z.number().min(0).default(40),
  }),
  /**
   * Each listed document type (or finer label, e.g. application_form) is shown legibly. Never shown:
   * FAIL; shown but not readable (too brief, small or blurred): CANNOT_JUDGE with the reason.
   */
  z.object({
    ...base,
    check: z.literal('document_shown'),
    types: z.array(z.enum(['agent_licence', 'id_card', 'risk_notice', 'policy_terms', 'exclusions', 'other'])).default([]),
    labels: z.array(z.string()).default([]),
  }),
  /** The licence number read from the 执业证 agrees with the sidecar's; without a sidecar number the rule does not apply. */
  z.object({ ...base, check: z.literal('licence_matches_sidecar') }),
  /**
   * A splice suspected from one signal (the integrity pass's `suspected_splice` flags) is settled by a
   * second: a burned-in clock jump or a timestamp cut within `withinS` confirms it (FAIL); a document
   * showing that starts within `withinS` explains it (a document card or screen share); otherwise it is
   * CANNOT_JUDGE for a reviewer — never a PASS, never a FAIL on one signal.
   */
  z.object({ ...base, check: z.literal('no_suspected_splice'), withinS: z.number().min(0).default(1) }),
  /** The recorder's burned-in clock runs with the media: a jump FAILs; no readable clock leaves the rule unapplied. */
  z.object({ ...base, check: z.literal('clock_continuous') }),
  /** FAIL when more than `maxPeople` faces are in frame for `minSeconds` or longer. */
  z.object({ ...base, check: z.literal('max_people_in_frame'), maxPeople: z.number().int().min(1), minSeconds: z.number().min(0).default(3) }),
  /**
   * A required statement is said: any of `phrases` (alternatives; placeholders {N} = a number, {licence} and
   * {agentName} = the sidecar's values) heard with read-rate ≥ `minReadRate` in pinyin space, or — where the
   * transcript misses it — verified against the audio by forced alignment with score ≥ `minScore`. With
   * `faces`, at least that many people must be in frame while it is said.
   */
  z.object({
    ...base,
    check: z.literal('statement_said'),
    label: z.string().min(1),
    /** Exact wordings (an insurer's script lines, the regulation's words); verified against the audio when the transcript misses them. */
    phrases: z.array(z.string().min(2)).default([]),
    /**
     * The statement as a concept (1.5.0): every group of synonymous key terms heard within `maxGap`
     * syllables of the next, in any order unless `ordered`, none negated just before. Covers the market's
     * wordings without listing every sentence; `phrases` still match exactly.
     */
    concept: conceptSchema.optional(),
    /** Added by an insurer's script library (an overlay's `wordings`): heard in these words, the report says so. */
    insurerPhrases: z.array(z.string().min(2)).default([]),
    minReadRate: z.number().min(0).max(1).default(0.85),
    /** Below this read-rate (and not verified) the transcript shows the statement absent: FAIL; between: CANNOT_JUDGE. */
    failBelowReadRate: z.number().min(0).max(1).default(0.7),
    /** Forced-alignment score that verifies a statement; measured said 0.07–0.35, unsaid 0.001–0.012, a shared prefix up to 0.03. */
    minScore: z.number().min(0).max(1).default(0.05),
    faces: z.number().int().min(1).optional(),
    /**
     * Heard: PASS with the evidence (it shows where the step happens); not heard: not applied. For lines a
     * good script has but no regulation requires word for word, so their absence never FAILs a step.
     */
    advisory: z.boolean().default(false),
  }),
  /**
   * A policy number the sidecar's record gives (犹豫期 days, premium, payment years) said as that number: a
   * number with one of `units` within `maxGap` syllables of one of `near`. FAIL only when another number was
   * heard there and the audio agrees (the record's text scores < `minScore`, the heard one ≥ it); not in the
   * sidecar: not applied; no number heard: CANNOT_JUDGE (the statement rule judges its absence).
   */
  z.object({
    ...base,
    check: z.literal('value_said'),
    label: z.string().min(1),
    value: z.enum(POLICY_NUMBERS),
    near: z.array(z.string().min(1)).min(1),
    units: z.array(z.string().min(1)).min(1),
    maxGap: z.number().int().min(0).max(20).default(6),
    minScore: z.number().min(0).max(1).default(0.05),
  }),
  /** FAIL when a misleading phrase (保本, 稳赚…) is said, unless negated just before it ("保险不是存款"). */
  z.object({
    ...base,
    check: z.literal('no_misleading_talk'),
    phrases: z.array(z.string().min(2)).min(1),
    negations: z.array(z.string().min(1)).default(['不', '没', '非', '别', '并非', '不是', '不能', '不会']),
    minReadRate: z.number().min(0).max(1).default(0.85),
  }),
  /**
   * The customer replies to a question: the first utterance after it (turn order) within `windowS`.
   * `accept: affirmative` needs an affirmative reply (a negation, a bare filler such as 嗯, or silence FAILs);
   * `accept: any` needs any reply. With `faces`, that many people must be in frame during the reply.
   */
  z.object({
    ...base,
    check: z.literal('customer_answers'),
    label: z.string().min(1),
    question: z.array(z.string().min(2)).min(1),
    accept: z.enum(['affirmative', 'any']).default('affirmative'),
    affirmative: z.array(z.string().min(1)).default(['清楚', '明白', '是的', '同意', '了解', '知道', '好的', '可以', '对', '是']),
    negative: z.array(z.string().min(1)).default(['不清楚', '不明白', '不同意', '不知道', '不了解', '没听懂', '不太清楚', '不是', '不']),
    filler: z.array(z.string().min(1)).default(['嗯', '啊', '哦', '呃', '噢', '唔']),
    windowS: z.number().min(1).default(6),
    /** The question anchors the reply: heard at this read-rate it is placed; below `failBelowReadRate` it was not asked. */
    minReadRate: z.number().min(0).max(1).default(0.75),
    failBelowReadRate: z.number().min(0).max(1).default(0.6),
    minScore: z.number().min(0).max(1).default(0.05),
    faces: z.number().int().min(1).optional(),
    /** A question a good script asks but no regulation requires: asked, its reply is judged; not asked, the rule does not apply. */
    advisory: z.boolean().default(false),
    /**
     * What a reply that cannot be judged means (1.5.1). `cannot_judge`: a reviewer listens. `not_applied`: for a
     * confirmation the regulation does not require (the signing step asks for the signature, not for words),
     * an unclear reply judges nothing; a refusal, a bare 嗯 or no reply still FAIL.
     */
    unsureReply: z.enum(['cannot_judge', 'not_applied']).default('cannot_judge'),
    /** A re-ask of the same question this soon after an unclear reply supersedes it (the agent did right to ask again). */
    reaskWithinS: z.number().min(0).default(30),
    /**
     * 代答 (1.6.0 candidate): a reply of at least `minS` spoken in the agent's voice FAILs, when the speaker
     * evidence tells two voices apart and attributes the reply to the agent by voice with at least `minMargin`
     * (agent − customer similarity). An uncertain voice or one voice heard judge nothing here.
     */
    proxyAnswer: z
      .object({
        minS: z.number().min(0).default(1),
        minMargin: z.number().min(0).max(2).default(0.1),
        /**
         * A reply shorter than `minS` embeds less reliably: it is 代答 only when every turn in it is attributed to
         * the agent and its margin reaches `minMargin` where an enrolled agent profile confirmed the agent's
         * voice, else this stricter margin against the recording's own agent voice; otherwise CANNOT_JUDGE.
         */
        shortMinMargin: z.number().min(0).max(2).default(0.2),
      })
      .optional(),
    /**
     * `first` (rulebooks before 1.5.0): the best-heard asking decides. `any`: one asking answered is enough,
     * unless a reply refuses (identity: confirmed once). `every`: each asking needs its answer (clear answers).
     */
    askings: z.enum(['first', 'any', 'every']).default('first'),
  }),
  /**
   * How a required statement was delivered (issue #22): the statement is placed by its `anchor` terms, and
   * its key content is `keyContent` (groups of synonymous terms, in pinyin like a concept) heard within
   * `reachSyllables` of the anchor. `minCoverage`: the share of key-content groups heard; below it the
   * statement was only partly said. `maxCharsPerS`: characters per second over the span from the first to
   * the last key term heard (at least `minSpanS` and `minChars`); above it the statement was read too fast
   * to follow. Either figure FAILs only on good audio with the statement found and its surroundings
   * transcribed; a statement not found, or poor audio, leaves the rule unapplied (statement_said judges
   * absence).
   */
  z.object({
    ...base,
    check: z.literal('statement_delivery'),
    label: z.string().min(1),
    anchor: z.array(z.string().min(1)).min(1),
    keyContent: z.array(z.array(z.string().min(1)).min(1)).default([]),
    reachSyllables: z.number().int().min(1).default(30),
    minTermReadRate: z.number().min(0).max(1).default(0.8),
    minCoverage: z.number().min(0).max(1).optional(),
    maxCharsPerS: z.number().positive().optional(),
    minSpanS: z.number().min(0).default(2),
    minChars: z.number().int().min(1).default(10),
  }),
  /** CANNOT_JUDGE until the named analyser's evidence exists: a step is never passed on evidence not collected. */
  z.object({ ...base, check: z.literal('analyser_required'), analyser: z.enum(ANALYSER_NAMES) }),
]);
export type Rule = z.infer<typeof ruleSchema>;

/** A statement rule needs something to listen for: phrases, a concept, or both. */
export function statementProblems(rule: Rule): string[] {
  return rule.check === 'statement_said' && rule.phrases.length === 0 && rule.insurerPhrases.length === 0 && !rule.concept ? [`${rule.id}: a statement needs phrases or a concept`] : [];
}

const stepSchema = z.object({
  title: z.string().min(1),
  rules: z.array(ruleSchema).min(1),
});

export const rulebookSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'semantic version'),
    title: z.string().min(1),
    sources: z.array(z.string()).default([]),
    /**
     * Tables the analysers use by this rulebook's word: `keywords` names the document keyword table
     * (rules/documents/, `id@version`) that types documents shown to the camera. Absent: the first table,
     * documents-keywords@1.0.0 (rules/load.ts documentKeywordsRef).
     */
    documents: z
      .object({ keywords: z.string().regex(/^[a-z][a-z0-9-]*@\d+\.\d+\.\d+$/, 'a table reference such as documents-keywords@1.0.0') })
      .strict()
      .optional(),
    steps: z.record(z.enum(STEP_IDS), stepSchema),
  })
  .superRefine((book, ctx) => {
    const seen = new Set<string>();
    for (const [stepId, step] of Object.entries(book.steps)) {
      for (const rule of step.rules) {
        if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', message: `duplicate rule id ${rule.id}`, path: ['steps', stepId] });
        seen.add(rule.id);
        for (const message of statementProblems(rule)) ctx.addIssue({ code: 'custom', message, path: ['steps', stepId] });
      }
    }
    for (const stepId of STEP_IDS) {
      if (!(stepId in book.steps)) ctx.addIssue({ code: 'custom', message: `standard step ${stepId} missing`, path: ['steps'] });
    }
  });
export type Rulebook = z.infer<typeof rulebookSchema>;

/**
 * An overlay changes a base rulebook for the recordings it applies to (chosen from the sidecar): a
 * province, a product type, a channel, the customer's age. It sets parameters of base rules by id, adds
 * rules to steps, or removes rules. Overlays are versioned and cited in reports like rulebooks.
 */
export const overlaySchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  version: z.string().regex(/^\d+\.\d+\.\d+$/),
  title: z.string().min(1),
  /** True for overlays that only illustrate the mechanism: reports say so. */
  example: z.boolean().default(false),
  sources: z.array(z.string()).default([]),
  overlays: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  /** The oldest base version whose rule ids this overlay refers to; older bases are left as they are. */
  minBaseVersion: z.string().regex(/^\d+\.\d+\.\d+$/).optional(),
  appliesWhen: z
    .object({
      regions: z.array(z.string().regex(/^\d{6}$/)).optional(),
      productTypes: z.array(z.enum(['traditional', 'participating', 'universal', 'investment_linked', 'health', 'other'])).optional(),
      channels: z.array(z.enum(['bank', 'agent', 'broker', 'telesales', 'internet', 'other'])).optional(),
      remote: z.boolean().optional(),
      customerAgeAtLeast: z.number().int().min(0).optional(),
      /** The sidecar's insurer.id: an insurer's script library (话术库). */
      insurers: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/)).optional(),
    })
    .strict(),
  /**
   * An insurer's own wordings per statement rule id, added to the rule's phrases: a statement heard in
   * these exact words is reported as the insurer's script. Adds only; never removes a base wording.
   */
  wordings: z.record(z.string(), z.array(z.string().min(2)).min(1)).default({}),
  set: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  add: z.partialRecord(z.enum(STEP_IDS), z.array(ruleSchema)).default({}),
  remove: z.array(z.string()).default([]),
});
export type Overlay = z.infer<typeof overlaySchema>;
