// The fixture generator: labels of every case are schema-valid and consistent with the composition, and a
// few cases rendered at 360p match their labels when probed (streams, durations, timestamp gap, truncation).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { CASES, casePlan, generateCase, topLevelBoxes, type CaseName, type GeneratedCase } from '../../fixtures/generate';
import { isValidIdNumber, makeIdNumber } from '../../fixtures/idcard';
import { labelsFor, speechManifest } from '../../fixtures/plan';
import { PERSONAS } from '../../fixtures/scene';
import { STEP_IDS, labelsSchema, sidecarSchema, type Labels } from '../../lib/labelled';
import { FfmpegError, runFfprobe } from '../../media/ffmpeg';

const RENDERED: CaseName[] = ['compliant_remote', 'pts_gap', 'truncated', 'audio_only', 'zero_bytes'];

interface Probe {
  format: { duration?: string };
  streams: { codec_type: string; codec_name: string; height?: number; r_frame_rate?: string }[];
}

async function probe(file: string): Promise<Probe> {
  return JSON.parse(await runFfprobe(['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,height,r_frame_rate', '-of', 'json', file])) as Probe;
}

async function packetTimes(file: string, stream: 'v' | 'a'): Promise<number[]> {
  const out = await runFfprobe(['-v', 'error', '-select_streams', stream, '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file]);
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

function end(labels: Labels): number {
  return Math.max(0, ...labels.faces.map((f) => f.to), ...labels.speech.map((s) => s.to));
}

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
    for (const u of m) assert.ok(fs.existsSync(path.join(__dirname, '..', '..', '..', 'fixtures', 'speech', u.file)), u.file);
  });

  for (const name of CASES) {
    it(`${name}: labels validate and agree with the composition`, () => {
      const plan = casePlan(name);
      if (name === 'truncated') plan.truncatedAt = plan.duration / 2;
      const labels = labelsSchema.parse(labelsFor(plan));
      assert.deepEqual(Object.keys(labels.steps), [...STEP_IDS], 'all ten steps, in order');
      // faces cover the video contiguously from 0
      let t = 0;
      for (const f of labels.faces) {
        assert.equal(f.from, t);
        assert.ok(f.to > f.from);
        t = f.to;
      }
      for (const d of labels.documents) assert.ok(d.to - d.from >= 1.5 && d.to - d.from <= 5.01, `${d.type} held ${d.to - d.from}s`);
      for (let i = 1; i < labels.speech.length; i++) assert.ok(labels.speech[i]!.from >= labels.speech[i - 1]!.to, 'speech does not overlap');
      const verdicts = Object.values(labels.steps);
      if (name.startsWith('compliant_')) {
        assert.ok(verdicts.every((v) => v === 'PASS'));
        assert.equal(labels.defects.length, 0);
        assert.ok(labels.documents.length >= 6 && labels.speech.length >= 20);
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
});

describe('rendered fixtures (360p) match their labels', { timeout: 240_000 }, () => {
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
