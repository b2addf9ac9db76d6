// The speaker encoder's front end, as Resemblyzer 0.1.4 computes it (resemblyzer/audio.py, hparams.py,
// voice_encoder.py): 16 kHz mono float samples, volume normalised to −30 dBFS (raised only, never lowered),
// then librosa.feature.melspectrogram(sr=16000, n_fft=400, hop_length=160, n_mels=40): a centred STFT
// (n_fft/2 reflect padding at both ends), periodic Hann window, power spectrum (not log), 40 Slaney mel bands
// with Slaney area normalisation. Resemblyzer also trims long silences with webrtcvad; dualqa embeds voice
// activity regions instead, so that step has no equivalent here.
// Checked against numpy (scripts/prepare-speaker.py --fixture) in test/unit/speaker.test.ts.

export const SPEAKER_SAMPLE_RATE = 16000;
export const N_FFT = 400;
export const HOP = 160;
export const N_MELS = 40;
/** Frames of one partial utterance, the length the encoder was trained on (1.6 s). */
export const PARTIAL_FRAMES = 160;
const TARGET_DBFS = -30;
const INT16_MAX = 32767;
const BINS = N_FFT / 2 + 1;

/** 16-bit little-endian PCM to float samples in [−1, 1) (as librosa loads it: value / 32768). */
export function pcm16ToFloat(pcm: Buffer | Uint8Array): Float32Array {
  const n = Math.floor(pcm.length / 2);
  const view = new DataView(pcm.buffer, pcm.byteOffset, n * 2);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  return out;
}

/**
 * resemblyzer.audio.normalize_volume(wav, −30, increase_only=True): the gain that brings the RMS level to
 * −30 dBFS when it is below, else 1. Silence (RMS 0) is left alone.
 */
export function volumeGain(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) {
    const v = samples[i]! * INT16_MAX;
    sum += v * v;
  }
  const n = to - from;
  if (n <= 0 || sum === 0) return 1;
  const rms = Math.sqrt(sum / n);
  const change = TARGET_DBFS - 20 * Math.log10(rms / INT16_MAX);
  return change < 0 ? 1 : 10 ** (change / 20);
}

function hzToMel(f: number): number {
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const logstep = Math.log(6.4) / 27;
  return f >= minLogHz ? minLogHz / fSp + Math.log(f / minLogHz) / logstep : f / fSp;
}

function melToHz(m: number): number {
  const fSp = 200 / 3;
  const minLogHz = 1000;
  const minLogMel = minLogHz / fSp;
  const logstep = Math.log(6.4) / 27;
  return m >= minLogMel ? minLogHz * Math.exp(logstep * (m - minLogMel)) : fSp * m;
}

/** librosa.filters.mel(sr=16000, n_fft=400, n_mels=40): [40][201], Slaney scale and normalisation. */
function melFilterbank(): Float64Array[] {
  const fftFreqs = Array.from({ length: BINS }, (_, k) => (k * SPEAKER_SAMPLE_RATE) / N_FFT);
  const lo = hzToMel(0);
  const hi = hzToMel(SPEAKER_SAMPLE_RATE / 2);
  const melF = Array.from({ length: N_MELS + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (N_MELS + 1)));
  const bank: Float64Array[] = [];
  for (let m = 0; m < N_MELS; m++) {
    const row = new Float64Array(BINS);
    const enorm = 2 / (melF[m + 2]! - melF[m]!);
    for (let k = 0; k < BINS; k++) {
      const lower = (fftFreqs[k]! - melF[m]!) / (melF[m + 1]! - melF[m]!);
      const upper = (melF[m + 2]! - fftFreqs[k]!) / (melF[m + 2]! - melF[m + 1]!);
      // librosa keeps the bank in float32
      row[k] = Math.fround(Math.max(0, Math.min(lower, upper)) * enorm);
    }
    bank.push(row);
  }
  return bank;
}

/**
 * Mixed-radix Cooley–Tukey FFT of one fixed length (400 = 5·5·2·2·2·2 points; not a power of two), complex in
 * and out, preallocated buffers: ~7,200 complex multiply-adds a frame instead of the direct DFT's 80,400.
 */
class MixedRadixFft {
  private readonly factors: number[] = [];
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  /** Scratch per recursion depth, enough for the sub-transform sizes. */
  private readonly scratchRe: Float64Array[] = [];
  private readonly scratchIm: Float64Array[] = [];
  private readonly tmpRe = new Float64Array(16);
  private readonly tmpIm = new Float64Array(16);

  constructor(readonly n: number) {
    let rest = n;
    for (const f of [5, 4, 3, 2]) {
      while (rest % f === 0) {
        this.factors.push(f);
        rest /= f;
      }
    }
    if (rest !== 1) throw new RangeError(`FFT length ${n} has a prime factor above 5`);
    this.cos = new Float64Array(n);
    this.sin = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.cos[i] = Math.cos((2 * Math.PI * i) / n);
      this.sin[i] = Math.sin((2 * Math.PI * i) / n);
    }
    for (let d = 0; d <= this.factors.length; d++) {
      this.scratchRe.push(new Float64Array(n));
      this.scratchIm.push(new Float64Array(n));
    }
  }

  /** X[k] = Σ x[j]·e^(−2πi·jk/n) of the real input `x`, into re/im. */
  real(x: Float64Array, re: Float64Array, im: Float64Array): void {
    this.rec(x, null, 0, 1, this.n, 0, re, im, 0);
  }

  private rec(xr: Float64Array, xi: Float64Array | null, offset: number, stride: number, n: number, depth: number, outRe: Float64Array, outIm: Float64Array, outOff: number): void {
    if (n === 1) {
      outRe[outOff] = xr[offset]!;
      outIm[outOff] = xi ? xi[offset]! : 0;
      return;
    }
    const r = this.factors[depth]!;
    const m = n / r;
    const subRe = this.scratchRe[depth + 1]!;
    const subIm = this.scratchIm[depth + 1]!;
    // r interleaved sub-sequences x[offset + q·stride + j·stride·r], each transformed to length m
    for (let q = 0; q < r; q++) this.rec(xr, xi, offset + q * stride, stride * r, m, depth + 1, subRe, subIm, outOff + q * m);
    const step = this.n / n; // twiddle e^(−2πi·x/n) = table[x·step mod N]
    const N = this.n;
    const tRe = this.tmpRe;
    const tIm = this.tmpIm;
    for (let k = 0; k < m; k++) {
      for (let q = 0; q < r; q++) {
        const a = subRe[outOff + q * m + k]!;
        const b = subIm[outOff + q * m + k]!;
        const t = (q * k * step) % N;
        const c = this.cos[t]!;
        const s = this.sin[t]!;
        tRe[q] = a * c + b * s;
        tIm[q] = b * c - a * s;
      }
      for (let s2 = 0; s2 < r; s2++) {
        let sr = 0;
        let si = 0;
        for (let q = 0; q < r; q++) {
          const t = (q * s2 * m * step) % N;
          const c = this.cos[t]!;
          const s = this.sin[t]!;
          sr += tRe[q]! * c + tIm[q]! * s;
          si += tIm[q]! * c - tRe[q]! * s;
        }
        outRe[outOff + k + s2 * m] = sr;
        outIm[outOff + k + s2 * m] = si;
      }
    }
  }
}

let tables: { window: Float64Array; fft: MixedRadixFft; bank: Float64Array[]; bandRange: [number, number][] } | undefined;

function getTables(): NonNullable<typeof tables> {
  if (tables) return tables;
  const window = new Float64Array(N_FFT);
  for (let n = 0; n < N_FFT; n++) window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N_FFT);
  const bank = melFilterbank();
  const bandRange = bank.map((row): [number, number] => {
    let first = 0;
    while (first < BINS && row[first] === 0) first++;
    let last = BINS - 1;
    while (last > first && row[last] === 0) last--;
    return [first, last + 1];
  });
  tables = { window, fft: new MixedRadixFft(N_FFT), bank, bandRange };
  return tables;
}

/** Frames a centred STFT gives `samples` samples: 1 + ⌊n / hop⌋. */
export function melFrameCount(samples: number): number {
  return 1 + Math.floor(samples / HOP);
}

/**
 * Power mel spectrogram of samples[from, to) times `gain`, as [frames × 40] row-major float32 (frame-major,
 * ready for the encoder's [batch, frames, 40] input). Reflect padding needs at least 201 samples.
 */
export function melSpectrogram(samples: Float32Array, from = 0, to = samples.length, gain = 1): Float32Array {
  const n = to - from;
  const pad = N_FFT / 2;
  if (n <= pad) throw new RangeError(`a mel spectrogram needs more than ${pad} samples, got ${n}`);
  const { window, fft, bank, bandRange } = getTables();
  // reflect padding (numpy 'reflect': the edge sample is not repeated)
  const at = (i: number): number => {
    let j = i - pad;
    if (j < 0) j = -j;
    else if (j >= n) j = 2 * (n - 1) - j;
    return samples[from + j]! * gain;
  };
  const frames = melFrameCount(n);
  const out = new Float32Array(frames * N_MELS);
  const x = new Float64Array(N_FFT);
  const re = new Float64Array(N_FFT);
  const im = new Float64Array(N_FFT);
  const power = new Float64Array(BINS);
  for (let t = 0; t < frames; t++) {
    const start = t * HOP;
    const inside = start >= pad && start + N_FFT - pad <= n;
    for (let i = 0; i < N_FFT; i++) x[i] = (inside ? samples[from + start + i - pad]! * gain : at(start + i)) * window[i]!;
    fft.real(x, re, im);
    for (let k = 0; k < BINS; k++) power[k] = re[k]! * re[k]! + im[k]! * im[k]!;
    for (let m = 0; m < N_MELS; m++) {
      const row = bank[m]!;
      const [a, b] = bandRange[m]!;
      let sum = 0;
      for (let k = a; k < b; k++) sum += row[k]! * power[k]!;
      out[t * N_MELS + m] = sum;
    }
  }
  return out;
}

/**
 * VoiceEncoder.compute_partial_slices: the mel frame ranges [start, start + 160) of the partial utterances
 * an utterance of `samples` samples is embedded from (`rate` partials a second, the last kept when it covers
 * at least `minCoverage` of a partial). The ranges may run past the end: the samples are zero-padded.
 */
export function partialSlices(samples: number, rate = 1.3, minCoverage = 0.75): [number, number][] {
  const nFrames = Math.ceil((samples + 1) / HOP);
  const frameStep = Math.round(SPEAKER_SAMPLE_RATE / rate / HOP);
  if (!(frameStep > 0 && frameStep <= PARTIAL_FRAMES)) throw new RangeError(`partial rate ${rate} out of range`);
  const steps = Math.max(1, nFrames - PARTIAL_FRAMES + frameStep + 1);
  const slices: [number, number][] = [];
  for (let i = 0; i < steps; i += frameStep) slices.push([i, i + PARTIAL_FRAMES]);
  const [lastStart, lastStop] = slices[slices.length - 1]!;
  const coverage = (samples - lastStart * HOP) / ((lastStop - lastStart) * HOP);
  if (coverage < minCoverage && slices.length > 1) slices.pop();
  return slices;
}
