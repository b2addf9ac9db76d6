// The robustness fixtures (fixtures/robustness.ts): labels stay the truth of the base case, the noise is
// seeded and at the SNR asked for (measured on the rendered audio), the robotic voice keeps every span.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';

import { casePlan, isRobustnessCase } from '../../fixtures/generate';
import { atempoChain } from '../../fixtures/espeak';
import { addWhiteNoise, seededUniform, speechPower } from '../../fixtures/noise';
import { labelsFor } from '../../fixtures/plan';
import { renderAudio } from '../../fixtures/render';
import { ROBUSTNESS, ROBUSTNESS_CASES, robustnessSideFile } from '../../fixtures/robustness';
import { runFfmpegToBuffer } from '../../media/ffmpeg';

async function pcm16k(file: string): Promise<Int16Array> {
  const buf = await runFfmpegToBuffer(['-v', 'error', '-i', file, '-ac', '1', '-ar', '16000', '-f', 's16le', 'pipe:1'], { ownFiles: true });
  const out = new Int16Array(buf.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(2 * i);
  return out;
}

describe('robustness fixtures: plans, labels, side-files (no rendering)', () => {
  it('labels are those of the base case: the statements were said, so the steps PASS in truth', () => {
    for (const name of ROBUSTNESS_CASES) {
      const spec = ROBUSTNESS[name];
      assert.ok(isRobustnessCase(name));
      assert.deepEqual(labelsFor(casePlan(name)), labelsFor(casePlan(spec.base)), name);
    }
    assert.ok(Object.values(labelsFor(casePlan('noisy_0db')).steps).every((v) => v === 'PASS'));
    assert.equal(labelsFor(casePlan('missing_cooling_20db')).steps.explanation, 'FAIL');
  });

  it('plans carry the audio condition; the side-file marks the case and names it', () => {
    assert.deepEqual(casePlan('noisy_10db').noise, { snrDb: 10, seed: 1010 });
    assert.equal(casePlan('robotic').voice, 'espeak-ng');
    assert.equal(casePlan('compliant_onsite').noise, undefined);
    const side = robustnessSideFile(ROBUSTNESS.missing_cooling_20db);
    assert.equal(side.robustness, true);
    assert.equal(side.condition, 'noisy_20db');
    assert.equal(side.base, 'missing_cooling');
    assert.equal(side.audio.noise?.snrDb, 20);
    assert.equal(isRobustnessCase('compliant_onsite'), false);
  });

  it('seeded noise: the same seed gives the same samples, another seed others', () => {
    const a = seededUniform(7);
    const b = seededUniform(7);
    const c = seededUniform(8);
    const xs = Array.from({ length: 5 }, () => a());
    assert.deepEqual(Array.from({ length: 5 }, () => b()), xs);
    assert.notDeepEqual(Array.from({ length: 5 }, () => c()), xs);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
  });

  it('white noise is added at the SNR asked for, against the power inside the spans only', () => {
    const rate = 1000;
    const x = new Int16Array(4000);
    for (let i = 1000; i < 2000; i++) x[i] = Math.round(3000 * Math.sin(i / 3)); // "speech" in [1, 2) s
    const clean = Int16Array.from(x);
    addWhiteNoise(x, rate, [{ from: 1, to: 2 }], { snrDb: 10, seed: 1 });
    const noise = x.map((v, i) => v - (clean[i] ?? 0));
    const snr = 10 * Math.log10(speechPower(clean, rate, [{ from: 1, to: 2 }]) / speechPower(noise, rate, [{ from: 0, to: 4 }]));
    assert.ok(Math.abs(snr - 10) < 0.3, `SNR ${snr.toFixed(2)} dB`);
    assert.throws(() => addWhiteNoise(new Int16Array(100), rate, [{ from: 0, to: 0.1 }], { snrDb: 0, seed: 1 }), /no speech/);
  });

  it('atempo factors stay within ffmpeg\'s 0.5–2 and multiply to the ratio', () => {
    for (const r of [0.3, 0.5, 1, 1.7, 2, 4.5]) {
      const chain = atempoChain(r);
      assert.ok(chain.every((f) => f >= 0.5 && f <= 2), `${r}: ${chain.join(',')}`);
      assert.ok(Math.abs(chain.reduce((p, f) => p * f, 1) - r) < 1e-9);
    }
  });
});

describe('robustness fixtures: rendered audio', { timeout: 240_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-robust-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('noisy_10db: the rendered track minus the clean one is noise at 10 dB below the labelled speech', async () => {
    const clean = path.join(tmp, 'clean.wav');
    const noisy = path.join(tmp, 'noisy.wav');
    await renderAudio(casePlan('compliant_onsite'), clean);
    await renderAudio(casePlan('noisy_10db'), noisy);
    const [c, n] = [await pcm16k(clean), await pcm16k(noisy)];
    assert.equal(n.length, c.length);
    const spans = labelsFor(casePlan('noisy_10db')).speech;
    const diff = n.map((v, i) => v - (c[i] ?? 0));
    const snr = 10 * Math.log10(speechPower(c, 16000, spans) / speechPower(diff, 16000, [{ from: 0, to: n.length / 16000 }]));
    // The noise is mixed at 16 kHz, the band the analyser hears, so the SNR holds there.
    assert.ok(Math.abs(snr - 10) < 0.3, `measured SNR ${snr.toFixed(2)} dB`);
    const again = path.join(tmp, 'noisy-again.wav');
    await renderAudio(casePlan('noisy_10db'), again);
    assert.deepEqual(fs.readFileSync(again), fs.readFileSync(noisy), 'same seed, same file');
  });

  it('robotic: espeak-ng speaks inside every labelled span and the track is as long as the plan', async () => {
    const plan = casePlan('robotic');
    const out = path.join(tmp, 'robotic.wav');
    await renderAudio(plan, out);
    const x = await pcm16k(out);
    assert.ok(Math.abs(x.length / 16000 - plan.duration) < 0.05, `${x.length / 16000} s vs ${plan.duration} s`);
    const floor = speechPower(x, 16000, [{ from: 0, to: 0.9 }]); // before the first line: room tone only
    for (const s of labelsFor(plan).speech) {
      assert.ok(speechPower(x, 16000, [s]) > 30 * floor, `"${s.text}" at ${s.from}–${s.to} is not louder than the room`);
    }
  });
});
