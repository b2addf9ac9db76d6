// The fixture generator: labels of every case are schema-valid and consistent with the composition, and a
// few cases rendered at 360p match their labels when probed (streams, durations, timestamp gap, truncation).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CASES, casePlan, generateCase, topLevelBoxes, type CaseName, type GeneratedCase } from '../../fixtures/generate';
import { isValidIdNumber, makeIdNumber } from '../../fixtures/idcard';
import { ILLEGIBLE_BLUR_PX, SPEECH_DIR, labelsFor, speechManifest, type DocLook, type Plan } from '../../fixtures/plan';
import { PERSONAS, agentOf, customerOf } from '../../fixtures/scene';
import { STEP_IDS, labelsSchema, sidecarSchema, type Labels, type StepId, type Verdict } from '../../lib/labelled';
import { FfmpegError, runFfmpegToBuffer, runFfprobe } from '../../media/ffmpeg';

const RENDERED: CaseName[] = ['compliant_remote', 'pts_gap', 'truncated', 'audio_only', 'zero_bytes', 'dark_stretch', 'remote_leaves'];

/** The face-presence cases (同框 / 离框 / person count): faces counts in order, the one odd span, steps not PASS. */
const FACE_CASES: Partial<Record<CaseName, { counts: number[]; oddS?: number; coframing: Verdict; notPass: StepId[] }>> = {
  customer_leaves: { counts: [2, 1, 2], oddS: 10.48, coframing: 'FAIL', notPass: ['coframing'] },
  third_person: { counts: [2, 3, 2], oddS: 8, coframing: 'PASS', notPass: [] },
  dark_stretch: { counts: [2, 0, 2], oddS: 10, coframing: 'CANNOT_JUDGE', notPass: ['coframing'] },
  agent_alone: { counts: [1], coframing: 'FAIL', notPass: ['opening', 'clear_answer', 'coframing'] },
  remote_leaves: { counts: [2, 1, 2], oddS: 10.48, coframing: 'FAIL', notPass: ['coframing'] },
  id_photo: { counts: [2], coframing: 'PASS', notPass: [] },
};

/** Where the picture of a plan ends (0 without one). */
function videoEnd(plan: Plan): number {
  if (!plan.video || plan.empty) return 0;
  return Math.min(plan.duration, plan.truncatedAt ?? Infinity);
}

interface Probe {
  format: { duration?: string };
  streams: { codec_type: string; codec_name: string; height?: number; r_frame_rate?: string }[];
}

async function probe(file: string): Promise<Probe> {
  return JSON.parse(await runFfprobe(['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,height,r_frame_rate', '-of', 'json', file], { ownFiles: true })) as Probe;
}

async function packetTimes(file: string, stream: 'v' | 'a'): Promise<number[]> {
  const out = await runFfprobe(['-v', 'error', '-select_streams', stream, '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], { ownFiles: true });
  return out
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .sort((a, b) => a - b);
}

/** The largest step between consecutive timestamps, and where it starts. */
function largestGap(times: number[]): { at: number; gap: number } {
  let best = { at: 0, gap: 0 };
  for (let i = 1; i < times.length; i++) {
    const gap = (times[i] ?? 0) - (times[i - 1] ?? 0);
    if (gap > best.gap) best = { at: times[i - 1] ?? 0, gap };
  }
  return best;
}

/** One decoded grey frame at `t`, scaled to w×h. */
async function greyFrame(file: string, t: number, w = 160, h = 90): Promise<Buffer> {
  const px = await runFfmpegToBuffer(['-ss', String(t), '-i', file, '-frames:v', '1', '-vf', `scale=${w}:${h}:flags=area,format=gray`, '-f', 'rawvideo', 'pipe:1'], { ownFiles: true });
  assert.equal(px.length, w * h);
  return px;
}

async function meanLuma(file: string, t: number): Promise<{ mean: number; brightShare: number }> {
  const px = await greyFrame(file, t);
  let sum = 0;
  let bright = 0;
  for (const v of px) {
    sum += v;
    if (v > 48) bright++;
  }
  return { mean: sum / px.length, brightShare: bright / px.length };
}

/** Mean absolute difference of the right half (the customer's tile) of two 32×18 grey frames, OSD rows left out. */
function rightTileDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  let count = 0;
  for (let y = 2; y < 16; y++) {
    for (let x = 16; x < 32; x++) {
      sum += Math.abs((a[y * 32 + x] ?? 0) - (b[y * 32 + x] ?? 0));
      count++;
    }
  }
  return sum / count;
}

function end(labels: Labels): number {
  return Math.max(0, ...labels.faces.map((f) => f.to), ...labels.speech.map((s) => s.to));
}

/** Cases that differ from the compliant script only in speech, and the one step each must fail. */
const SPEECH_CASES = {
  missing_cooling: 'explanation',
  misleading_talk: 'explanation',
  mumbled_answer: 'clear_answer',
  unclear_answer: 'clear_answer',
  no_disclosure: 'disclosure',
} as const;

describe('fixture labels (all cases, no rendering)', () => {
  it('GB 11643 check characters', () => {
    assert.ok(isValidIdNumber('11010519491231002X'), 'the standard example');
    assert.ok(!isValidIdNumber('110105194912310021'));
    const id = makeIdNumber('320106', { y: 1962, m: 5, d: 14 }, 17, 'M');
    assert.ok(isValidIdNumber(id));
    assert.equal(Number(id[16]) % 2, 1, 'odd sequence digit for a man');
    for (const p of Object.values(PERSONAS)) if (p.customer) assert.ok(isValidIdNumber(p.customer.idNumber), p.customer.idNumber);
  });

  it('the speech manifest has 4 speakers and every referenced file', () => {
    const m = [...speechManifest().values()];
    assert.equal(new Set(m.map((u) => u.voice)).size, 4);
    for (const u of m) assert.ok(fs.existsSync(path.join(SPEECH_DIR, u.file)), u.file);
  });

  for (const name of CASES) {
    it(`${name}: labels validate and agree with the composition`, () => {
      const plan = casePlan(name);
      if (name === 'truncated') plan.truncatedAt = plan.duration / 2;
      const labels = labelsSchema.parse(labelsFor(plan));
      assert.deepEqual(Object.keys(labels.steps), [...STEP_IDS], 'all ten steps, in order');
      // faces cover the whole video contiguously, from 0 to its end
      let t = 0;
      for (const f of labels.faces) {
        assert.equal(f.from, t);
        assert.ok(f.to > f.from);
        t = f.to;
      }
      assert.equal(t, videoEnd(plan), 'faces end where the picture ends');
      for (const d of labels.documents) assert.ok(d.to - d.from >= 1.5 && d.to - d.from <= 5.01, `${d.type} held ${d.to - d.from}s`);
      for (let i = 1; i < labels.speech.length; i++) assert.ok(labels.speech[i]!.from >= labels.speech[i - 1]!.to, 'speech does not overlap');
      const verdicts = Object.values(labels.steps);
      const face = FACE_CASES[name];
      if (face) {
        assert.deepEqual(
          labels.faces.map((f) => f.count),
          face.counts,
        );
        const odd = labels.faces[1];
        if (face.oddS !== undefined) assert.ok(odd && Math.abs(odd.to - odd.from - face.oddS) < 1e-6, `odd span ${JSON.stringify(odd)}`);
        assert.equal(labels.steps.coframing, face.coframing);
        assert.deepEqual(
          STEP_IDS.filter((id) => labels.steps[id] !== 'PASS'),
          face.notPass,
        );
        assert.deepEqual(labels.defects, [], 'no continuity defect: uncut, complete, never black');
        assert.ok(labels.documents.length >= 6 && labels.speech.length >= 20);
      } else if (name.startsWith('compliant_')) {
        assert.ok(verdicts.every((v) => v === 'PASS'));
        assert.equal(labels.defects.length, 0);
        assert.ok(labels.documents.length >= 6 && labels.speech.length >= 20);
      } else if (name in SPEECH_CASES) {
        // What the agent or customer says (or leaves out) fails exactly one speech step; nothing else.
        assert.deepEqual(STEP_IDS.filter((id) => labels.steps[id] !== 'PASS'), [SPEECH_CASES[name as keyof typeof SPEECH_CASES]]);
        assert.deepEqual(labels.defects, []);
      } else if (name === 'hard_documents' || name === 'blurred_exclusions') {
        // Hard document handling: uncut, everyone in view; only an unreadable document keeps a step from PASS.
        assert.equal(labels.defects.length, 0);
        assert.deepEqual(
          STEP_IDS.filter((id) => labels.steps[id] !== 'PASS'),
          name === 'blurred_exclusions' ? ['documents_shown'] : [],
        );
        if (name === 'blurred_exclusions') assert.equal(labels.steps.documents_shown, 'CANNOT_JUDGE');
      } else if (name === 'zero_bytes') {
        assert.ok(verdicts.every((v) => v === 'CANNOT_JUDGE'));
        assert.deepEqual(labels.defects, [{ type: 'unreadable' }]);
      } else {
        assert.equal(labels.steps.continuity, 'FAIL');
        assert.ok(labels.defects.length > 0);
      }
      const dur = end(labels);
      if (name !== 'zero_bytes' && name !== 'truncated') assert.ok(plan.duration >= 60 && plan.duration <= 90, `duration ${plan.duration}`);
      assert.ok(dur <= plan.duration + 1e-9);
    });
  }

  it('defect-specific truths', () => {
    const black = labelsFor(casePlan('black_run'));
    const run = black.defects.find((d) => d.type === 'black')!;
    assert.ok(Math.abs((run.to ?? 0) - (run.from ?? 0) - 8) < 1e-6);
    assert.ok(black.faces.some((f) => f.count === 0 && f.from === run.from && f.to === run.to));
    assert.equal(black.steps.coframing, 'CANNOT_JUDGE', 'nobody can be seen during the black run');
    const audioOnly = labelsFor(casePlan('audio_only'));
    assert.equal(audioOnly.faces.length + audioOnly.documents.length, 0);
    assert.equal(audioOnly.steps.coframing, 'FAIL');
    assert.equal(audioOnly.steps.explanation, 'PASS');
    const videoOnly = labelsFor(casePlan('video_only'));
    assert.equal(videoOnly.speech.length, 0);
    assert.equal(videoOnly.steps.documents_shown, 'PASS');
    assert.equal(videoOnly.steps.explanation, 'FAIL');
    const silent = labelsFor(casePlan('silent_run')).defects.find((d) => d.type === 'silence')!;
    assert.ok(Math.abs((silent.to ?? 0) - (silent.from ?? 0) - 10) < 1e-6);
    const spliced = labelsFor(casePlan('spliced'));
    assert.deepEqual(
      spliced.defects.map((d) => d.type),
      ['cut', 'clock_jump'],
    );
  });

  it('document truths: hard handling within the issue\'s bounds, numbers labelled, unreadable cards marked', () => {
    const hard = labelsFor(casePlan('hard_documents'));
    const looks = hard.documents.map((d) => (d as { look?: DocLook }).look);
    assert.ok(looks.every((l) => l && Math.abs(l.rotateDeg ?? 0) > 0 && Math.abs(l.rotateDeg ?? 0) <= 10), 'every card tilted, by at most 10°');
    assert.ok(looks.some((l) => l?.cover?.by === 'thumb') && looks.some((l) => l?.cover?.by === 'paper') && looks.some((l) => (l?.blurPx ?? 0) > 0));
    assert.ok(hard.documents.some((d) => d.to - d.from <= 2.01), 'one card held only 2 s');
    assert.ok(hard.documents.every((d) => (d as { legible?: boolean }).legible === undefined), 'all readable');
    const numbers = Object.fromEntries(hard.documents.filter((d) => 'number' in d).map((d) => [d.type, (d as { number?: string }).number]));
    assert.deepEqual(numbers, { agent_licence: agentOf('agentA').licenceNo, id_card: customerOf('custC').idNumber });
    const blurred = labelsFor(casePlan('blurred_exclusions'));
    const unreadable = blurred.documents.filter((d) => (d as { legible?: boolean }).legible === false);
    assert.deepEqual(unreadable.map((d) => d.type), ['exclusions']);
    assert.ok(((unreadable[0] as { look?: DocLook }).look?.blurPx ?? 0) >= ILLEGIBLE_BLUR_PX);
  });

  it('face-presence truths: who is seen when', () => {
    // The customer is away with nothing to say or hold; the agent keeps talking meanwhile.
    for (const name of ['customer_leaves', 'remote_leaves'] as const) {
      const labels = labelsFor(casePlan(name));
      const away = labels.faces.find((f) => f.count === 1)!;
      assert.ok(!labels.speech.some((s) => s.speaker === 'customer' && s.to > away.from - 0.3 && s.from < away.to + 0.3), `${name}: customer silent while away`);
      assert.ok(labels.speech.filter((s) => s.speaker === 'agent' && s.to > away.from && s.from < away.to).length >= 3, `${name}: the agent keeps talking`);
      assert.ok(!labels.documents.some((d) => (d.type === 'id_card' || d.type === 'other') && d.to > away.from - 1 && d.from < away.to + 1));
    }
    assert.equal(casePlan('remote_leaves').layout, 'remote');
    // Dark: no document is shown in the dark, and nobody has to answer in it.
    const dark = labelsFor(casePlan('dark_stretch'));
    const unlit = dark.faces.find((f) => f.count === 0)!;
    assert.ok(!dark.documents.some((d) => d.to > unlit.from && d.from < unlit.to));
    assert.ok(!dark.speech.some((s) => s.speaker === 'customer' && s.to > unlit.from && s.from < unlit.to));
    // Alone: the customer is heard throughout but never seen.
    const alone = labelsFor(casePlan('agent_alone'));
    assert.ok(alone.speech.filter((s) => s.speaker === 'customer').length >= 5);
    // The document photo on the ID card is labelled on the card, not counted as a person.
    const idPhoto = labelsFor(casePlan('id_photo'));
    assert.deepEqual(
      idPhoto.documents.filter((d) => d['hasPhoto'] === true).map((d) => d.type),
      ['id_card'],
    );
    for (const name of CASES) if (name !== 'id_photo') assert.ok(!labelsFor(casePlan(name)).documents.some((d) => 'hasPhoto' in d), name);
  });
});

describe('rendered fixtures (360p) match their labels', { timeout: 300_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-fixtures-test-'));
  const made = new Map<CaseName, GeneratedCase>();
  const labelsOf = (name: CaseName): Labels => labelsSchema.parse(JSON.parse(fs.readFileSync(made.get(name)!.labels, 'utf8')));

  before(async () => {
    for (const name of RENDERED) made.set(name, await generateCase(name, dir, { height: 360 }));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the three files per case with schema-valid JSON', () => {
    for (const [name, g] of made) {
      assert.equal(path.basename(g.media), `${name}.mp4`);
      labelsOf(name);
      sidecarSchema.parse(JSON.parse(fs.readFileSync(g.meta!, 'utf8')));
    }
  });

  it('compliant_remote: H.264 360p 25 fps + AAC, duration as labelled, remote bank sidecar', async () => {
    const p = await probe(made.get('compliant_remote')!.media);
    const v = p.streams.find((s) => s.codec_type === 'video');
    const a = p.streams.find((s) => s.codec_type === 'audio');
    assert.equal(v?.codec_name, 'h264');
    assert.equal(v?.height, 360);
    assert.equal(v?.r_frame_rate, '25/1');
    assert.equal(a?.codec_name, 'aac');
    const labels = labelsOf('compliant_remote');
    assert.ok(Math.abs(Number(p.format.duration) - end(labels)) < 0.1, `${p.format.duration} vs ${end(labels)}`);
    const meta = sidecarSchema.parse(JSON.parse(fs.readFileSync(made.get('compliant_remote')!.meta!, 'utf8')));
    assert.equal(meta.remote, true);
    assert.equal(meta.channel, 'bank');
    assert.equal(meta.agent?.licenceNo, PERSONAS.agentB.agent?.licenceNo);
    const identity = labels.speech.find((s) => s.step === 'agent_identity' && s.speaker === 'agent');
    assert.ok(identity?.text.includes(meta.agent?.licenceNo ?? '?'), 'the licence number said is the one in the sidecar');
  });

  it('pts_gap: both streams jump by the labelled gap at the labelled instant', async () => {
    const g = made.get('pts_gap')!;
    const cut = labelsOf('pts_gap').defects.find((d) => d.type === 'cut')!;
    for (const stream of ['v', 'a'] as const) {
      const gap = largestGap(await packetTimes(g.media, stream));
      assert.ok(gap.gap >= 2, `${stream}: largest timestamp step ${gap.gap}`);
      assert.ok(Math.abs(gap.at - (cut.at ?? -9)) < 0.1, `${stream}: gap at ${gap.at}, labelled ${cut.at}`);
    }
  });

  it('truncated: about half the bytes, no moov box, unreadable by ffprobe, labelled end inside the recording', async () => {
    const g = made.get('truncated')!;
    const buf = fs.readFileSync(g.media);
    assert.ok(!topLevelBoxes(buf).some((b) => b.type === 'moov'));
    assert.ok(topLevelBoxes(buf).some((b) => b.type === 'mdat'));
    await assert.rejects(probe(g.media), FfmpegError);
    const labels = labelsOf('truncated');
    const at = labels.defects.find((d) => d.type === 'truncated')?.at ?? 0;
    assert.ok(at > 20 && at < 60, `truncated at ${at}`);
    assert.ok(labels.faces.every((f) => f.to <= at) && labels.speech.every((s) => s.to <= at));
  });

  it('dark_stretch: the labelled dark span is dim but not black; the picture is normal around it', async () => {
    const g = made.get('dark_stretch')!;
    const unlit = labelsOf('dark_stretch').faces.find((f) => f.count === 0)!;
    const inside = await meanLuma(g.media, (unlit.from + unlit.to) / 2);
    for (const t of [unlit.from - 1, unlit.to + 1]) {
      const lit = (await meanLuma(g.media, t)).mean;
      assert.ok(lit > 110, `lit ${lit} at ${t}`);
    }
    assert.ok(inside.mean > 24 && inside.mean < 45, `dark mean luma ${inside.mean}`);
    assert.ok(inside.brightShare > 0.02, `share of pixels above 48: ${inside.brightShare}`);
  });

  it('remote_leaves: remote bank sidecar; the customer tile changes while away, the agent tile does not', async () => {
    const g = made.get('remote_leaves')!;
    const meta = sidecarSchema.parse(JSON.parse(fs.readFileSync(g.meta!, 'utf8')));
    assert.equal(meta.remote, true);
    assert.equal(meta.channel, 'bank');
    // While she is away her tile is a still room (an empty chair); with her back in it, it is not.
    const away = labelsOf('remote_leaves').faces.find((f) => f.count === 1)!;
    const frame = (t: number): Promise<Buffer> => greyFrame(g.media, t, 32, 18);
    const [empty1, empty2, back1, back2] = await Promise.all([away.from + 2, away.to - 3, away.to + 2, away.to + 5].map(frame));
    const still = rightTileDiff(empty1!, empty2!);
    assert.ok(still < 10, `customer tile while away changes by ${still}`);
    for (const back of [back1!, back2!]) {
      const d = rightTileDiff(empty2!, back);
      assert.ok(d > 25, `customer tile away vs back: ${d}`);
    }
  });

  it('audio_only has no video stream; zero_bytes is empty', async () => {
    const p = await probe(made.get('audio_only')!.media);
    assert.deepEqual(
      p.streams.map((s) => s.codec_type),
      ['audio'],
    );
    assert.ok(Math.abs(Number(p.format.duration) - casePlan('audio_only').duration) < 0.1, `${p.format.duration}`);
    assert.ok(end(labelsOf('audio_only')) <= Number(p.format.duration));
    assert.equal(fs.statSync(made.get('zero_bytes')!.media).size, 0);
  });
});
