// Who is speaking, from the voice: speaker turns of a two-party recording (agent and customer) from the GE2E
// speaker encoder (encoder.ts).
//
// 1. Cut. Each voice-activity region is cut where the voice changes: candidate instants are the region's
//    pauses (≥ 50 ms under 5 % of its median energy), every 1 s, 0.5 s from each end, and the boundaries of
//    recognised segments when given; each is scored by the cosine similarity of the 1.5 s before and the 1.5 s
//    after (shorter at a region's edge). Pauses under PAUSE_CHANGE_SIMILARITY are cut first (a change of voice
//    almost always leaves one), then grid instants under CHANGE_SIMILARITY, moved to a pause within a minimum
//    turn or to the quietest instant near; turns of at least MIN_TURN_S between grid cuts, 0.5 s at a pause.
//    A cut inside one voice only splits a turn: both halves are attributed on their own below.
// 2. Embed. A piece is the mean of the 1.5 s windows inside it, or embedded whole when shorter.
// 3. The agent's voice. The agent leads a sale and speaks most: the agent's voice is the duration-weighted
//    centroid of the long pieces (≥ 2 s) that agree with their mean. An enrolled agent profile, when given,
//    only confirms it (`agentProfileSimilarity`; source 'profile').
// 4. Calibrate. How alike a piece is to a voice depends on its length (0.5 s of speech embeds far less
//    reliably than 1.5 s). So windows of 0.3–1.5 s are cut from the agent's own long pieces and compared
//    with the agent's centroid: their mean and spread at each length say what "the agent" looks like at that
//    length, and each piece gets a z-score against it (`agentZ`).
// 5. The customer. Pieces far below the agent at their length (z ≤ −NOT_AGENT_Z) are the other voice; their
//    centroid is the customer's. Found too little of it (under MIN_CUSTOMER_S), the recording has one voice,
//    or two this model cannot tell apart (`voices: 1`), and nothing is attributed from voice alone — unless an
//    enrolled profile confirms the one voice is the agent's.
// 6. Attribute. A piece is the agent's when it looks like the agent at its length (z ≥ −AGENT_Z) and is closer
//    to the agent than to the customer by MIN_MARGIN; the customer's when it is not the agent at its length
//    (z ≤ −NOT_AGENT_Z) and closer to the customer; otherwise 'uncertain' — never forced.
// 7. Where each party has a microphone of its own (speech/parties.ts found them separated), the levels win
//    over the voice for every region they attribute.
import { round } from '../../lib/numbers';
import type { Parties } from '../parties';
import type { Span } from '../span';
import { SpeakerEncoder, meanEmbedding, similarity } from './encoder';
import { HOP, N_MELS, SPEAKER_SAMPLE_RATE, melSpectrogram, volumeGain } from './mel';

export type TurnSpeaker = 'agent' | 'customer' | 'uncertain';
export type TurnSource = 'voice' | 'profile' | 'tracks' | 'channels';

export interface SpeakerTurn extends Span {
  /** Index of the voice-activity region the turn lies in. */
  region: number;
  speaker: TurnSpeaker;
  /** What decided: the voices, the voices confirmed by an enrolled agent profile, or a microphone per party. */
  source: TurnSource;
  /** Cosine similarity of the turn's voice to the agent's and to the customer's (null: not embedded). */
  simAgent: number | null;
  simCustomer: number | null;
  /** simAgent − simCustomer. */
  margin: number | null;
  /** How the turn's similarity to the agent compares with the agent's own speech of the same length, in standard deviations. */
  agentZ: number | null;
}

export interface SpeakerTurns {
  model: { name: string; sha256: string };
  /**
   * Voices told apart: 2 = agent and customer; 1 = one voice, or two too alike for this model (only a profile
   * or a microphone per party attributes anything then); 0 = too little speech to say.
   */
  voices: 0 | 1 | 2;
  /** Cosine similarity of the agent's and the customer's centroids (null unless two voices). */
  centroidSimilarity: number | null;
  /** Similarity of the agent voice's centroid to the enrolled agent profile, when one was given. */
  agentProfileSimilarity: number | null;
  turns: SpeakerTurn[];
  /** Seconds attributed to each. */
  seconds: Record<TurnSpeaker, number>;
}

export interface SpeakerTurnOptions {
  /** Recognised segments (seconds): their boundaries are extra candidate cut instants. */
  segments?: readonly Span[];
  /** Recorder with a microphone per party: its attribution wins where it has one. */
  parties?: Parties;
  /** Enrolled agent voice (an L2-normalised embedding of this encoder). */
  agentProfile?: Float32Array;
}

/** Similarity of the 1.5 s either side of an instant under which the voice is taken to change there. */
export const CHANGE_SIMILARITY = 0.62;
/** The same at a pause, where a change of voice is likelier (a cut inside one voice costs little). */
export const PAUSE_CHANGE_SIMILARITY = 0.68;
/** Shortest turn a cut may leave between two cuts, and at a region's start or end (a short reply), seconds. */
const MIN_TURN_S = 0.8;
const MIN_EDGE_TURN_S = 0.5;
const WINDOW_FRAMES = 150;
const STEP_FRAMES = 100;
/** How far a cut may move to the quietest instant near it (frames of 10 ms). */
const SNAP_FRAMES = 30;
/** A pause: energy under this share of the region's median frame energy. */
const PAUSE_LEVEL = 0.05;
/** Shortest piece embedded at all (shorter: 'uncertain', no similarity). */
const MIN_EMBED_S = 0.3;
/** Pieces at least this long define the agent's voice. */
const LONG_PIECE_S = 2;
/** A long piece this unlike the long pieces' mean is left out of the agent's centroid. */
const AGENT_CORE_MIN = 0.8;
/** Calibration lengths (seconds) and windows cut at each. */
const CALIBRATION_S = [0.3, 0.6, 1, 1.5];
const CALIBRATION_WINDOWS = 10;
/** Floor of the calibrated spread (few windows can understate it). */
const MIN_SPREAD = 0.025;
/** z-scores against the agent's own speech of the same length. */
export const AGENT_Z = 2;
export const NOT_AGENT_Z = 3;
/** How much closer to one voice than the other a piece must be to be attributed. */
export const MIN_MARGIN = 0.05;
/** Speech the second voice needs before the recording counts as two voices. */
export const MIN_CUSTOMER_S = 1.2;
/** An enrolled profile at least this close to the agent voice's centroid confirms it. */
export const PROFILE_SAME = 0.93;

/** A piece of a voice-activity region between cuts, with its embedding (null when too short). */
export interface Piece extends Span {
  region: number;
  embedding: Float32Array | null;
}

/** Expected similarity to the agent's centroid, by length: mean and spread at each calibration length. */
export interface AgentCalibration {
  seconds: number[];
  mean: number[];
  spread: number[];
}

interface RegionMel {
  /** Region start, seconds. */
  from: number;
  mel: Float32Array;
  frames: number;
}

/** One turn of the event loop (timers, heartbeats) between pieces of synchronous work. */
const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const framesToS = (f: number): number => (f * HOP) / SPEAKER_SAMPLE_RATE;

/**
 * Speaker turns of 16 kHz mono float `samples` (the whole recording from 0 s) over its voice-activity
 * `regions` (seconds).
 */
export async function speakerTurns(encoder: SpeakerEncoder, samples: Float32Array, regions: readonly Span[], options: SpeakerTurnOptions = {}): Promise<SpeakerTurns> {
  // In region order: a piece too short to embed, or a slot (null) for the pieces a region is cut into.
  const pieces: (Piece | null)[] = [];
  const plans: { region: number; plan: RegionPlan }[] = [];
  const mels: (RegionMel | null)[] = [];
  for (let r = 0; r < regions.length; r++) {
    const region = regions[r]!;
    const from = Math.max(0, Math.round(region.from * SPEAKER_SAMPLE_RATE));
    const to = Math.min(samples.length, Math.round(region.to * SPEAKER_SAMPLE_RATE));
    if (to - from < MIN_EMBED_S * SPEAKER_SAMPLE_RATE) {
      mels.push(null);
      if (to > from) pieces.push({ from: region.from, to: region.to, region: r, embedding: null });
      continue;
    }
    const mel = melSpectrogram(samples, from, to, volumeGain(samples, from, to));
    const frames = mel.length / N_MELS;
    mels.push({ from: region.from, mel, frames });
    const hints = (options.segments ?? []).flatMap((s) => [s.from, s.to]).map((t) => Math.round(((t - region.from) * SPEAKER_SAMPLE_RATE) / HOP));
    plans.push({ region: r, plan: planRegion(mel, frames, hints) });
    pieces.push(null);
    // The spectrograms of a long recording take seconds of CPU: let the activity's heartbeats through.
    await yieldNow();
  }
  // Every region's windows in one batched pass, then the cuts, then the short pieces' own embeddings in another.
  const embedded = await encoder.embedAcross(plans.map(({ plan }) => ({ mel: plan.mel, windows: [...plan.windows.values()] })));
  const cut: ReturnType<typeof cutRegion>[] = [];
  for (const [i, { plan }] of plans.entries()) {
    cut.push(cutRegion(plan, embedded[i]!));
    if (i % 50 === 49) await yieldNow();
  }
  const extra = await encoder.embedAcross(plans.map(({ plan }, i) => ({ mel: plan.mel, windows: cut[i]!.whole })));
  let next = 0;
  const placed: Piece[] = [];
  for (const slot of pieces) {
    if (slot) {
      placed.push(slot);
      continue;
    }
    const { region: r } = plans[next]!;
    const region = regions[r]!;
    const { pieces: found, whole } = cut[next]!;
    whole.forEach(([a, b], i) => {
      found.find((p) => p.from === a && p.to === b)!.embedding = extra[next]![i]!;
    });
    for (const p of found) {
      placed.push({
        from: round(region.from + framesToS(p.from), 2),
        to: round(Math.min(region.to, region.from + framesToS(p.to)), 2),
        region: r,
        embedding: p.embedding,
      });
    }
    next++;
  }

  const agent = agentVoice(placed);
  const calibration = agent ? await calibrate(encoder, agent.core, mels, agent.centroid) : null;
  const result = attribute(placed, agent?.centroid ?? null, calibration, options.agentProfile);
  if (options.parties?.separated) applyParties(result.turns, options.parties);
  result.seconds = secondsOf(result.turns);
  return { model: { name: encoder.model.name, sha256: encoder.model.sha256 }, ...result };
}

/** What a region needs embedded before it can be cut: the grid windows and those either side of each candidate cut. */
interface RegionPlan {
  mel: Float32Array;
  frames: number;
  /** Window key (`a:b`) → frame range, in insertion order. */
  windows: Map<string, [number, number]>;
  gaps: number[];
  pairs: { t: number; before: string; after: string }[];
}

function planRegion(mel: Float32Array, frames: number, hints: number[]): RegionPlan {
  const minEdge = Math.round((MIN_EDGE_TURN_S * SPEAKER_SAMPLE_RATE) / HOP);
  const windows = new Map<string, [number, number]>();
  const want = (a: number, b: number): string => {
    const key = `${a}:${b}`;
    windows.set(key, [a, b]);
    return key;
  };
  // the grid of full windows (also the pieces' embeddings) and the candidate cuts between them
  for (let s = 0; s + WINDOW_FRAMES <= frames; s += STEP_FRAMES) want(s, s + WINDOW_FRAMES);
  const candidates = new Set<number>();
  for (let t = STEP_FRAMES; t < frames; t += STEP_FRAMES) if (t >= minEdge && t <= frames - minEdge) candidates.add(t);
  // a reply right after the question (or a question right after a reply) within one region
  for (const t of [minEdge, frames - minEdge]) if (t > 0 && t < frames) candidates.add(t);
  for (const h of hints) if (h >= minEdge && h <= frames - minEdge) candidates.add(h);
  // pauses: where one voice hands over to the other there is almost always a short one
  const gaps = pauses(mel, frames).filter((t) => t >= minEdge && t <= frames - minEdge);
  for (const t of gaps) candidates.add(t);
  const pairs = [...candidates].sort((a, b) => a - b).map((t) => ({ t, before: want(Math.max(0, t - WINDOW_FRAMES), t), after: want(t, Math.min(frames, t + WINDOW_FRAMES)) }));
  return { mel, frames, windows, gaps, pairs };
}

/**
 * A region's pieces (frame spans from its start) with the embeddings of their windows (`embedded`: the
 * plan's windows in order); `whole` lists the pieces with no full window inside, to be embedded whole.
 */
function cutRegion(plan: RegionPlan, embedded: readonly Float32Array[]): { pieces: { from: number; to: number; embedding: Float32Array | null }[]; whole: [number, number][] } {
  const { mel, frames, windows, gaps, pairs } = plan;
  const minTurn = Math.round((MIN_TURN_S * SPEAKER_SAMPLE_RATE) / HOP);
  const minEdge = Math.round((MIN_EDGE_TURN_S * SPEAKER_SAMPLE_RATE) / HOP);
  const minEmbed = Math.round((MIN_EMBED_S * SPEAKER_SAMPLE_RATE) / HOP);
  const keys = [...windows.keys()];
  const byKey = new Map(keys.map((k, i) => [k, embedded[i]!]));

  // Pauses first (a change of voice almost always leaves one), then the grid where no pause explains the
  // change; lowest similarity first, each leaving turns of at least MIN_TURN_S. A grid cut moves to a pause
  // near it, else to the quietest instant near it (the grid is 1 s coarse).
  const gapSet = new Set(gaps);
  const changes = pairs
    .map((p) => ({ t: p.t, s: similarity(byKey.get(p.before)!, byKey.get(p.after)!) }))
    .filter((c) => c.s < (gapSet.has(c.t) ? PAUSE_CHANGE_SIMILARITY : CHANGE_SIMILARITY));
  const cuts: number[] = [];
  // (pauses may be closer: the pieces between pauses are utterances, however short)
  for (const c of changes.filter((c) => gapSet.has(c.t)).sort((a, b) => a.s - b.s)) if (!cuts.some((k) => Math.abs(k - c.t) < minEdge)) cuts.push(c.t);
  for (const c of changes.filter((c) => !gapSet.has(c.t)).sort((a, b) => a.s - b.s)) {
    // to the nearest pause within a minimum turn (the change seen late, through a short window), else to the quietest instant near it
    const pause = gaps.filter((g) => Math.abs(g - c.t) < minTurn).sort((a, b) => Math.abs(a - c.t) - Math.abs(b - c.t))[0];
    const t = pause ?? quietestNear(mel, frames, c.t, SNAP_FRAMES, minEdge);
    // a turn shorter than MIN_TURN_S at a region's edge only at a pause (else a short window's low similarity)
    if (pause === undefined && (t < minTurn || t > frames - minTurn)) continue;
    if (!cuts.some((k) => Math.abs(k - c.t) < minTurn || Math.abs(k - t) < minTurn)) cuts.push(t);
  }
  cuts.sort((a, b) => a - b);

  const bounds = [0, ...cuts, frames];
  const spans = bounds.slice(1).map((b, i) => ({ from: bounds[i]!, to: b }));
  const whole: [number, number][] = [];
  const pieces = spans.map(({ from, to }) => {
    const inside: Float32Array[] = [];
    for (const [key, [a, b]] of windows) if (b - a === WINDOW_FRAMES && a >= from && b <= to) inside.push(byKey.get(key)!);
    if (!inside.length && to - from >= minEmbed) whole.push([from, to]);
    return { from, to, embedding: inside.length ? meanEmbedding(inside) : null };
  });
  return { pieces, whole };
}

/** Frame energy (sum of the mel bands) smoothed over 50 ms. */
function frameEnergy(mel: Float32Array, frames: number): Float64Array {
  const raw = new Float64Array(frames);
  for (let t = 0; t < frames; t++) for (let m = 0; m < N_MELS; m++) raw[t]! += mel[t * N_MELS + m]!;
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    let e = 0;
    for (let u = Math.max(0, t - 2); u <= Math.min(frames - 1, t + 2); u++) e += raw[u]!;
    out[t] = e;
  }
  return out;
}

/** Middles of the region's pauses: runs of frames under PAUSE_LEVEL of its median energy (≥ 50 ms). */
function pauses(mel: Float32Array, frames: number): number[] {
  const energy = frameEnergy(mel, frames);
  const sorted = [...energy].sort((a, b) => a - b);
  const floor = (sorted[Math.floor(sorted.length / 2)] ?? 0) * PAUSE_LEVEL;
  const out: number[] = [];
  let start = -1;
  for (let t = 0; t <= frames; t++) {
    const quiet = t < frames && energy[t]! <= floor;
    if (quiet && start < 0) start = t;
    if (!quiet && start >= 0) {
      if (t - start >= 5) out.push(Math.round((start + t) / 2));
      start = -1;
    }
  }
  return out;
}

/** The frame within `radius` of `at` (and `margin` of the region's ends) with the least energy, smoothed over 50 ms. */
function quietestNear(mel: Float32Array, frames: number, at: number, radius: number, margin: number): number {
  const energy = (t: number): number => {
    let e = 0;
    for (let u = Math.max(0, t - 2); u <= Math.min(frames - 1, t + 2); u++) for (let m = 0; m < N_MELS; m++) e += mel[u * N_MELS + m]!;
    return e;
  };
  let best = at;
  let bestEnergy = energy(at);
  for (let t = Math.max(margin, at - radius); t <= Math.min(frames - margin, at + radius); t++) {
    const e = energy(t);
    if (e < bestEnergy) {
      best = t;
      bestEnergy = e;
    }
  }
  return best;
}

/** The agent's voice: the centroid of the long pieces that agree with their mean (null: no speech long enough). */
function agentVoice(pieces: readonly Piece[]): { centroid: Float32Array; core: Piece[] } | null {
  const embedded = pieces.filter((p) => p.embedding);
  if (!embedded.length) return null;
  let long = embedded.filter((p) => p.to - p.from >= LONG_PIECE_S);
  if (!long.length) long = embedded;
  const mean = meanEmbedding(long.map((p) => p.embedding!), long.map((p) => p.to - p.from));
  const core = long.filter((p) => similarity(p.embedding!, mean) >= AGENT_CORE_MIN);
  const chosen = core.length ? core : long;
  return { centroid: meanEmbedding(chosen.map((p) => p.embedding!), chosen.map((p) => p.to - p.from)), core: chosen };
}

/** Similarity to the agent's centroid of windows of each calibration length cut from the agent's own pieces. */
async function calibrate(encoder: SpeakerEncoder, core: readonly Piece[], mels: readonly (RegionMel | null)[], centroid: Float32Array): Promise<AgentCalibration | null> {
  const perRegion = new Map<number, [number, number][]>();
  const lengthOf: Map<number, number[]> = new Map();
  const stats: { seconds: number; sims: number[] }[] = CALIBRATION_S.map((seconds) => ({ seconds, sims: [] }));
  CALIBRATION_S.forEach((seconds, li) => {
    const len = Math.round((seconds * SPEAKER_SAMPLE_RATE) / HOP);
    // windows spread evenly over the core pieces' speech
    const slots: { region: number; a: number }[] = [];
    for (const p of core) {
      const m = mels[p.region];
      if (!m) continue;
      const a0 = Math.round(((p.from - m.from) * SPEAKER_SAMPLE_RATE) / HOP);
      const b0 = Math.min(m.frames, Math.round(((p.to - m.from) * SPEAKER_SAMPLE_RATE) / HOP));
      for (let a = a0; a + len <= b0; a += len) slots.push({ region: p.region, a });
    }
    const step = Math.max(1, slots.length / CALIBRATION_WINDOWS);
    for (let k = 0; k < slots.length && k / step < CALIBRATION_WINDOWS; k = Math.floor(k + step)) {
      const { region, a } = slots[Math.floor(k)]!;
      const list = perRegion.get(region) ?? [];
      list.push([a, a + len]);
      perRegion.set(region, list);
      const owners = lengthOf.get(region) ?? [];
      owners.push(li);
      lengthOf.set(region, owners);
    }
  });
  const regionsUsed = [...perRegion.keys()];
  const embedded = await encoder.embedAcross(regionsUsed.map((region) => ({ mel: mels[region]!.mel, windows: perRegion.get(region)! })));
  regionsUsed.forEach((region, r) => embedded[r]!.forEach((e, i) => stats[lengthOf.get(region)![i]!]!.sims.push(similarity(e, centroid))));
  const usable = stats.filter((s) => s.sims.length >= 4);
  if (!usable.length) return null;
  return {
    seconds: usable.map((s) => s.seconds),
    mean: usable.map((s) => s.sims.reduce((a, b) => a + b, 0) / s.sims.length),
    spread: usable.map((s) => {
      const mu = s.sims.reduce((a, b) => a + b, 0) / s.sims.length;
      return Math.max(MIN_SPREAD, Math.sqrt(s.sims.reduce((a, b) => a + (b - mu) ** 2, 0) / s.sims.length));
    }),
  };
}

/** z-score of a similarity to the agent for a piece of `seconds` (calibration interpolated, clamped at its ends). */
export function agentZ(calibration: AgentCalibration, seconds: number, sim: number): number {
  const xs = calibration.seconds;
  let i = 0;
  while (i < xs.length - 1 && seconds > xs[i + 1]!) i++;
  const lerp = (v: number[]): number => {
    if (xs.length === 1 || seconds <= xs[0]!) return v[0]!;
    if (seconds >= xs[xs.length - 1]!) return v[v.length - 1]!;
    const f = (seconds - xs[i]!) / (xs[i + 1]! - xs[i]!);
    return v[i]! + f * (v[i + 1]! - v[i]!);
  };
  return (sim - lerp(calibration.mean)) / lerp(calibration.spread);
}

type Attribution = Omit<SpeakerTurns, 'model'>;

/** Each piece's party from the agent's voice and its calibration (pure: exported for tests). */
export function attribute(pieces: readonly Piece[], agent: Float32Array | null, calibration: AgentCalibration | null, agentProfile?: Float32Array): Attribution {
  const blank = (p: Piece, source: TurnSource): SpeakerTurn => ({ from: p.from, to: p.to, region: p.region, speaker: 'uncertain', source, simAgent: null, simCustomer: null, margin: null, agentZ: null });
  if (!agent || !calibration) {
    return { voices: 0, centroidSimilarity: null, agentProfileSimilarity: null, turns: pieces.map((p) => blank(p, 'voice')), seconds: { agent: 0, customer: 0, uncertain: 0 } };
  }
  const profileSim = agentProfile ? similarity(agentProfile, agent) : null;
  const source: TurnSource = profileSim !== null && profileSim >= PROFILE_SAME ? 'profile' : 'voice';
  const scored = pieces.map((p) => {
    if (!p.embedding) return null;
    const sim = similarity(p.embedding, agent);
    return { sim, z: agentZ(calibration, p.to - p.from, sim) };
  });
  const others = pieces.filter((p, i) => scored[i] && scored[i].z <= -NOT_AGENT_Z);
  const otherSeconds = others.reduce((s, p) => s + p.to - p.from, 0);
  const customer = otherSeconds >= MIN_CUSTOMER_S ? meanEmbedding(others.map((p) => p.embedding!), others.map((p) => p.to - p.from)) : null;

  const turns = pieces.map((p, i): SpeakerTurn => {
    const s = scored[i];
    if (!s) return blank(p, source);
    const simCustomer = customer ? similarity(p.embedding!, customer) : null;
    const margin = simCustomer === null ? null : s.sim - simCustomer;
    let speaker: TurnSpeaker = 'uncertain';
    if (customer && margin !== null) {
      if (s.z >= -AGENT_Z && margin >= MIN_MARGIN) speaker = 'agent';
      else if (s.z <= -NOT_AGENT_Z && margin <= -MIN_MARGIN) speaker = 'customer';
    } else if (source === 'profile' && s.z >= -AGENT_Z) {
      // one voice, confirmed as the enrolled agent's: it is the agent speaking
      speaker = 'agent';
    }
    return {
      from: p.from,
      to: p.to,
      region: p.region,
      speaker,
      source,
      simAgent: round(s.sim, 3),
      simCustomer: simCustomer === null ? null : round(simCustomer, 3),
      margin: margin === null ? null : round(margin, 3),
      agentZ: round(s.z, 2),
    };
  });
  return {
    voices: customer ? 2 : 1,
    centroidSimilarity: customer ? round(similarity(agent, customer), 3) : null,
    agentProfileSimilarity: profileSim === null ? null : round(profileSim, 3),
    turns,
    seconds: { agent: 0, customer: 0, uncertain: 0 },
  };
}

/** A microphone per party: its attribution replaces the voice's in every region it attributes. */
function applyParties(turns: SpeakerTurn[], parties: Parties): void {
  for (const turn of turns) {
    const mid = (turn.from + turn.to) / 2;
    const region = parties.regions.find((r) => r.from <= mid && mid <= r.to);
    if (region?.speaker) {
      turn.speaker = region.speaker;
      turn.source = parties.source;
    }
  }
}

function secondsOf(turns: readonly SpeakerTurn[]): Record<TurnSpeaker, number> {
  const seconds: Record<TurnSpeaker, number> = { agent: 0, customer: 0, uncertain: 0 };
  for (const t of turns) seconds[t.speaker] += t.to - t.from;
  return { agent: round(seconds.agent, 2), customer: round(seconds.customer, 2), uncertain: round(seconds.uncertain, 2) };
}
