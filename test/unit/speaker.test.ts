// The speaker encoder's front end and model against numpy: scripts/prepare-speaker.py --fixture computed the
// mel spectrogram (librosa's algorithm) and the GE2E embeddings (a float64 LSTM from the torch weights, torch's
// gate order) of a committed clip; speech/speaker/mel.ts and the ONNX model on onnxruntime-node must agree.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../lib/config';
import { SpeakerEncoder, similarity } from '../../speech/speaker/encoder';
import { N_MELS, melFrameCount, melSpectrogram, partialSlices, pcm16ToFloat, volumeGain } from '../../speech/speaker/mel';
import { ensureModels } from '../helpers/models';

interface Fixture {
  sampleRate: number;
  pcmS16le: string;
  gain: number;
  melFrames: number;
  mel: string;
  firstWindowEmbedding: number[];
  partialSlices: [number, number][];
  partialEmbeddings: number[][];
  embedding: number[];
  quietScale: number;
  quietPartialSlices: [number, number][];
  quietEmbedding: number[];
}

const fixture = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'speaker-reference.json'), 'utf8')) as Fixture;
const float32 = (b64: string): Float32Array => {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

describe('speaker front end (mel.ts) against numpy', () => {
  const samples = pcm16ToFloat(Buffer.from(fixture.pcmS16le, 'base64'));
  const reference = float32(fixture.mel);

  it('matches the power mel spectrogram frame by frame (relative error ≤ 1e-4 of each frame)', () => {
    const gain = volumeGain(samples);
    assert.ok(Math.abs(gain - fixture.gain) < 1e-9);
    const mel = melSpectrogram(samples, 0, samples.length, gain);
    assert.equal(melFrameCount(samples.length), fixture.melFrames);
    assert.equal(mel.length, fixture.melFrames * N_MELS);
    let worst = 0;
    for (let t = 0; t < fixture.melFrames; t++) {
      let scale = 0;
      for (let m = 0; m < N_MELS; m++) scale = Math.max(scale, reference[t * N_MELS + m]!);
      const d = maxDiff(mel.subarray(t * N_MELS, (t + 1) * N_MELS), reference.subarray(t * N_MELS, (t + 1) * N_MELS));
      worst = Math.max(worst, d / Math.max(scale, 1e-6));
    }
    assert.ok(worst <= 1e-4, `worst relative mel error ${worst}`);
  });

  it('raises quiet audio to −30 dBFS and never lowers loud audio', () => {
    const quiet = samples.map((v) => v * fixture.quietScale);
    const g = volumeGain(quiet);
    assert.ok(g > 1);
    let sum = 0;
    for (const v of quiet) sum += (v * g * 32767) ** 2;
    assert.ok(Math.abs(20 * Math.log10(Math.sqrt(sum / quiet.length) / 32767) + 30) < 1e-6);
    assert.equal(volumeGain(samples.map((v) => Math.max(-1, Math.min(1, v * 8)))), 1);
    assert.equal(volumeGain(new Float32Array(1000)), 1);
  });

  it('cuts partial utterances as VoiceEncoder.compute_partial_slices does', () => {
    assert.deepEqual(partialSlices(samples.length), fixture.partialSlices);
    assert.deepEqual(partialSlices(8000), [[0, 160]]);
    assert.deepEqual(partialSlices(16000 * 3), [[0, 160], [77, 237], [154, 314]]);
  });
});

describe('speaker encoder (ONNX from Resemblyzer 0.1.4) against a numpy LSTM', () => {
  let encoder: SpeakerEncoder;
  before(async () => {
    await ensureModels();
    encoder = await SpeakerEncoder.load();
  });

  it('embeds the numpy mel window as numpy does (max |Δ| ≤ 1e-4)', async () => {
    const mel = float32(fixture.mel);
    const [embedding] = await encoder.embedWindows(mel, [[0, 160]]);
    const d = maxDiff(embedding!, fixture.firstWindowEmbedding);
    assert.ok(d <= 1e-4, `max difference ${d}`);
    // unit length, non-negative (ReLU then L2)
    assert.ok(Math.abs(similarity(embedding!, embedding!) - 1) < 1e-5);
    assert.ok(embedding!.every((v) => v >= 0));
  });

  it('embeds the utterance end to end (mel.ts + ONNX) as Resemblyzer’s embed_utterance does in numpy', async () => {
    const samples = pcm16ToFloat(Buffer.from(fixture.pcmS16le, 'base64'));
    const result = await encoder.embedUtterance(samples);
    assert.deepEqual(result.slices, fixture.partialSlices);
    result.partials.forEach((p, i) => assert.ok(maxDiff(p, fixture.partialEmbeddings[i]!) <= 1e-4, `partial ${i}`));
    assert.ok(maxDiff(result.embedding, fixture.embedding) <= 1e-4);
    const quiet = await encoder.embedUtterance(samples.map((v) => v * fixture.quietScale));
    assert.ok(maxDiff(quiet.embedding, fixture.quietEmbedding) <= 1e-4);
    // The clip is above −30 dBFS (left as it is), its quiet copy is raised to −30 dBFS: the power mel is not
    // level-free, so the two differ somewhat (numpy: 0.873) while staying the same voice.
    const same = similarity(quiet.embedding, result.embedding);
    assert.ok(Math.abs(same - 0.8726) < 1e-3, `quiet vs original ${same}`);
  });

  it('takes any batch and any number of frames', async () => {
    const mel = float32(fixture.mel);
    const out = await encoder.embedWindows(mel, [[0, 160], [10, 170], [0, 80], [0, 160]]);
    assert.equal(out.length, 4);
    assert.ok(maxDiff(out[0]!, out[3]!) < 1e-6);
    assert.ok(similarity(out[0]!, out[1]!) > 0.9, 'overlapping windows of one voice are alike');
    assert.ok(similarity(out[0]!, out[2]!) > 0.7);
  });
});
