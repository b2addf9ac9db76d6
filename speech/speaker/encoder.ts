// Speaker embeddings with Resemblyzer's GE2E voice encoder (models/registry.ts `speaker_ge2e`) on
// onnxruntime-node: 40-band power mel frames in, a 256-d L2-normalised voice vector out, so the cosine
// similarity of two embeddings is their dot product. One session per process, runs serialised.
import { addStage } from '../../lib/profile';
import { MODELS } from '../../models/registry';
import { createSession, ort, type SessionOptions } from '../../models/runtime';
import { HOP, N_MELS, PARTIAL_FRAMES, melSpectrogram, partialSlices, volumeGain } from './mel';

export const SPEAKER_EMBEDDING_SIZE = 256;
/** Windows per onnxruntime call: larger batches amortise the LSTM's per-step overhead. */
const MAX_BATCH = 16;

let cached: Promise<SpeakerEncoder> | undefined;

export interface UtteranceEmbedding {
  /** L2-normalised mean of the partial embeddings (VoiceEncoder.embed_utterance). */
  embedding: Float32Array;
  partials: Float32Array[];
  /** Mel frame ranges of the partials. */
  slices: [number, number][];
}

export class SpeakerEncoder {
  readonly model = { name: MODELS.speaker_ge2e.name, version: MODELS.speaker_ge2e.version, sha256: MODELS.speaker_ge2e.sha256 };
  private busy: Promise<unknown> = Promise.resolve();

  private constructor(private readonly session: ort.InferenceSession) {}

  /** The process's encoder (one onnxruntime session); options apply to the first call only. */
  static load(options: SessionOptions = {}): Promise<SpeakerEncoder> {
    cached ??= createSession('speaker_ge2e', options).then((s) => new SpeakerEncoder(s));
    cached.catch(() => {
      cached = undefined;
    });
    return cached;
  }

  /**
   * Embeddings of mel windows: `windows` are [start, stop) frame ranges of `mel` ([frames × 40]); a range
   * running past the end is zero-filled. Windows of equal length are batched together.
   */
  async embedWindows(mel: Float32Array, windows: readonly (readonly [number, number])[]): Promise<Float32Array[]> {
    return (await this.embedAcross([{ mel, windows }]))[0]!;
  }

  /**
   * embedWindows over several mel spectrograms at once: windows of equal length are batched together
   * whichever spectrogram they come from, so many short regions cost a few full batches, not a call each.
   * A window's embedding does not depend on its batch (onnxruntime's LSTM gives the same bits alone or in
   * a batch of 16), so this returns exactly what embedWindows would, spectrogram by spectrogram.
   */
  async embedAcross(requests: readonly { mel: Float32Array; windows: readonly (readonly [number, number])[] }[]): Promise<Float32Array[][]> {
    const out = requests.map((r) => new Array<Float32Array>(r.windows.length));
    const byLength = new Map<number, [number, number][]>();
    requests.forEach(({ mel, windows }, r) => {
      const frames = mel.length / N_MELS;
      windows.forEach(([a, b], i) => {
        if (!(b > a && a >= 0 && a < frames)) throw new RangeError(`window [${a}, ${b}) outside ${frames} frames`);
        const list = byLength.get(b - a) ?? [];
        list.push([r, i]);
        byLength.set(b - a, list);
      });
    });
    for (const [length, refs] of byLength) {
      for (let k = 0; k < refs.length; k += MAX_BATCH) {
        const group = refs.slice(k, k + MAX_BATCH);
        const input = new Float32Array(group.length * length * N_MELS);
        group.forEach(([r, w], j) => {
          const { mel, windows } = requests[r]!;
          const [a, b] = windows[w]!;
          input.set(mel.subarray(a * N_MELS, Math.min(b, mel.length / N_MELS) * N_MELS), j * length * N_MELS);
        });
        const result = await this.run(input, group.length, length);
        group.forEach(([r, w], j) => {
          out[r]![w] = result.slice(j * SPEAKER_EMBEDDING_SIZE, (j + 1) * SPEAKER_EMBEDDING_SIZE);
        });
      }
    }
    return out;
  }

  /**
   * VoiceEncoder.embed_utterance for samples[from, to) of 16 kHz mono float audio: volume normalised, cut into
   * 1.6 s partials 0.77 s apart (zero-padded at the end), each embedded, their mean L2-normalised.
   */
  async embedUtterance(samples: Float32Array, from = 0, to = samples.length): Promise<UtteranceEmbedding> {
    const gain = volumeGain(samples, from, to);
    const slices = partialSlices(to - from);
    const need = slices[slices.length - 1]![1] * HOP;
    let wav = samples.subarray(from, to);
    if (need >= wav.length) {
      const padded = new Float32Array(need);
      padded.set(wav);
      wav = padded;
    }
    const mel = melSpectrogram(wav, 0, wav.length, gain);
    const partials = await this.embedWindows(mel, slices);
    return { embedding: meanEmbedding(partials), partials, slices };
  }

  private async run(input: Float32Array, batch: number, frames: number): Promise<Float32Array> {
    const turn = this.busy.then(() => this.session.run({ mels: new ort.Tensor('float32', input, [batch, frames, N_MELS]) }));
    this.busy = turn.catch(() => undefined);
    const started = performance.now();
    const out = (await turn).embedding;
    addStage('speaker: GE2E inference', performance.now() - started);
    if (!out || !(out.data instanceof Float32Array) || out.data.length !== batch * SPEAKER_EMBEDDING_SIZE) {
      throw new Error(`speaker encoder output embedding missing or not ${batch}×${SPEAKER_EMBEDDING_SIZE} float32 values`);
    }
    return out.data;
  }
}

/** L2-normalised mean of unit vectors (a zero mean, from opposite vectors, stays zero). */
export function meanEmbedding(vectors: readonly Float32Array[], weights?: readonly number[]): Float32Array {
  const size = vectors[0]?.length ?? SPEAKER_EMBEDDING_SIZE;
  const sum = new Float64Array(size);
  vectors.forEach((v, j) => {
    const w = weights?.[j] ?? 1;
    for (let i = 0; i < size; i++) sum[i]! += w * v[i]!;
  });
  let norm = 0;
  for (let i = 0; i < size; i++) norm += sum[i]! * sum[i]!;
  norm = Math.sqrt(norm);
  const out = new Float32Array(size);
  if (norm > 0) for (let i = 0; i < size; i++) out[i] = sum[i]! / norm;
  return out;
}

/** Dot product: the cosine similarity of two L2-normalised embeddings. */
export function similarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`embeddings differ in length: ${a.length} vs ${b.length}`);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

export { PARTIAL_FRAMES };
