// One decode of a recording feeds every detector: ffmpeg writes each video "tap" (a size, rate and pixel
// format) and the audio as 16-bit PCM to its own pipe, and each pipe is consumed by its own loop, so a
// slow consumer (a model) only back-pressures ffmpeg and never forces a second decode.
import type { Readable } from 'node:stream';
import { addStage } from '../lib/profile';
import { spawnFfmpeg } from './ffmpeg';
import type { MediaFacts } from './probe';

export interface VideoFrame {
  /** Seconds from the first decoded frame. */
  t: number;
  index: number;
  width: number;
  height: number;
  channels: 1 | 3;
  data: Buffer;
}

export interface VideoTap {
  name: string;
  /**
   * Only this rectangle of the picture (pixels of the displayed picture, rotation applied), cut by ffmpeg
   * before scaling: a small region watched often costs a fraction of the whole frame on the pipe.
   */
  crop?: PixelRect;
  /** Output width; height follows the display aspect ratio (or the crop's) when omitted. */
  width: number;
  height?: number;
  fps: number;
  pixFmt: 'gray' | 'rgb24';
  onFrame(frame: VideoFrame): void | Promise<void>;
}

interface PixelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface AudioTap {
  sampleRate: number;
  /** Mono samples; `t0` is the time of the first sample in seconds from the start of the audio. */
  onSamples(samples: Int16Array, t0: number): void | Promise<void>;
}

interface DecodeOptions {
  videoTaps?: VideoTap[];
  audio?: AudioTap;
  signal?: AbortSignal;
  /** Called at most every ~200 ms with the media time decoded so far. */
  onProgress?: (decodedS: number) => void;
  /** ffmpeg is killed when it delivers nothing for this long (a malformed file must not hang a worker). */
  stallMs?: number;
}

class DecoderStalled extends Error {
  override name = 'DecoderStalled';
}

export interface DecodeSummary {
  /** Media time covered by the frames of the first video tap. */
  videoDecodedS: number;
  audioDecodedS: number;
  framesByTap: Record<string, number>;
  exitCode: number | null;
  /** Decoder complaints (ffmpeg -v error lines), capped. */
  errors: string[];
  errorCount: number;
}

const MAX_ERRORS_KEPT = 50;

function tapSize(tap: VideoTap, facts: MediaFacts): { width: number; height: number } {
  if (tap.height) return { width: tap.width, height: tap.height };
  const v = facts.video;
  let srcW = v?.width || 16;
  let srcH = v?.height || 9;
  if (v && (v.rotation === 90 || v.rotation === 270)) [srcW, srcH] = [srcH, srcW];
  if (tap.crop) [srcW, srcH] = [tap.crop.w, tap.crop.h];
  const height = Math.max(2, Math.round((tap.width * srcH) / srcW / 2) * 2);
  return { width: tap.width, height };
}

/**
 * Decoder threads (DUALQA_DECODE_THREADS, default 1; 0 = ffmpeg's choice, one per core and more). The frames
 * are the same bits whatever the count; one thread costs less CPU (10-minute 720p: 22 CPU-s against 27 with
 * frame threads), and the taps, not the decoder, set the pace of the media pass while the speech half or
 * other recordings use the other cores.
 */
function decodeThreads(): string {
  const raw = process.env.DUALQA_DECODE_THREADS?.trim();
  return raw && /^\d{1,2}$/.test(raw) ? raw : '1';
}

export async function decodeOnce(file: string, facts: MediaFacts, options: DecodeOptions): Promise<DecodeSummary> {
  const taps = facts.video ? (options.videoTaps ?? []) : [];
  const audio = facts.audio ? options.audio : undefined;
  const args: string[] = ['-v', 'error', '-threads', decodeThreads(), '-i', file, '-sn', '-dn'];
  const sizes = taps.map((tap) => tapSize(tap, facts));
  if (taps.length > 0) {
    const branches = taps.map((tap, i) => {
      const { width, height } = sizes[i]!;
      // exact=1: the crop is where it was asked for, not moved to the chroma grid.
      const crop = tap.crop ? `crop=${tap.crop.w}:${tap.crop.h}:${tap.crop.x}:${tap.crop.y}:exact=1,` : '';
      return `[v${i}]fps=${tap.fps},${crop}scale=${width}:${height}:flags=area,format=${tap.pixFmt}[o${i}]`;
    });
    const split = taps.length === 1 ? '[0:v:0]null[v0]' : `[0:v:0]split=${taps.length}${taps.map((_, i) => `[v${i}]`).join('')}`;
    args.push('-filter_complex', [split, ...branches].join(';'));
  }
  // Pipe numbering: fd 1 is the first output, fd 3, 4, … the rest.
  const outputs: { kind: 'video' | 'audio'; tapIndex: number }[] = [];
  taps.forEach((_, i) => outputs.push({ kind: 'video', tapIndex: i }));
  if (audio) outputs.push({ kind: 'audio', tapIndex: -1 });
  outputs.forEach((out, n) => {
    const target = n === 0 ? 'pipe:1' : `pipe:${n + 2}`;
    if (out.kind === 'video') args.push('-map', `[o${out.tapIndex}]`, '-f', 'rawvideo', target);
    // Timestamp gaps in the audio are filled with silence so sample counts stay on the media clock.
    else args.push('-map', '0:a:0', '-ac', '1', '-ar', String(audio!.sampleRate), '-af', 'aresample=async=1', '-f', 's16le', target);
  });
  if (outputs.length === 0) throw new Error('decodeOnce: nothing to decode (no taps for the streams present)');

  const errors: string[] = [];
  let errorCount = 0;
  // Our own abort joins the caller's: cancellation and the stall watchdog both kill ffmpeg.
  const abort = new AbortController();
  const onOuterAbort = (): void => abort.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let lastData = Date.now();
  let stalled = false;
  const stallMs = options.stallMs ?? 60_000;
  const watchdog = setInterval(() => {
    if (Date.now() - lastData > stallMs) {
      stalled = true;
      abort.abort();
    }
  }, Math.min(5_000, stallMs));
  const tool = spawnFfmpeg(args, {
    signal: abort.signal,
    extraPipes: Math.max(0, outputs.length - 1),
    onStderr: (chunk) => {
      for (const line of chunk.split('\n')) {
        if (!line.trim()) continue;
        errorCount++;
        if (errors.length < MAX_ERRORS_KEPT) errors.push(line.trim().slice(0, 300));
      }
    },
  });
  const streams: Readable[] = [tool.stdout, ...tool.pipes];
  for (const stream of streams) stream.on('data', () => (lastData = Date.now()));

  let lastProgress = 0;
  const progress = (t: number): void => {
    const now = Date.now();
    if (options.onProgress && now - lastProgress > 200) {
      lastProgress = now;
      options.onProgress(t);
    }
  };

  const framesByTap: Record<string, number> = {};
  let videoDecodedS = 0;
  let audioDecodedS = 0;
  const consumers = outputs.map(async (out, n) => {
    const stream = streams[n]!;
    if (out.kind === 'video') {
      const tap = taps[out.tapIndex]!;
      const { width, height } = sizes[out.tapIndex]!;
      const channels = tap.pixFmt === 'gray' ? 1 : 3;
      let index = 0;
      for await (const frame of fixedChunks(stream, width * height * channels)) {
        const t = index / tap.fps;
        const started = performance.now();
        await tap.onFrame({ t, index, width, height, channels, data: frame });
        addStage(`tap ${tap.name}`, performance.now() - started);
        index++;
        if (out.tapIndex === 0) {
          videoDecodedS = index / tap.fps;
          progress(videoDecodedS);
        }
      }
      framesByTap[tap.name] = index;
    } else {
      const rate = audio!.sampleRate;
      const chunkSamples = Math.round(rate / 10); // 100 ms blocks keep per-call overhead low
      let samples = 0;
      for await (const block of fixedChunks(stream, chunkSamples * 2, true)) {
        const aligned = block.byteOffset % 2 === 0 ? block : Buffer.from(block);
        const view = new Int16Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.length / 2));
        const started = performance.now();
        await audio!.onSamples(view, samples / rate);
        addStage('tap audio', performance.now() - started);
        samples += view.length;
        audioDecodedS = samples / rate;
        if (taps.length === 0) progress(audioDecodedS);
      }
    }
  });
  const results = await Promise.allSettled(consumers);
  const { code } = await tool.done;
  clearInterval(watchdog);
  options.signal?.removeEventListener('abort', onOuterAbort);
  if (stalled) throw new DecoderStalled(`the decoder produced nothing for ${Math.round(stallMs / 1000)} s and was stopped`);
  if (options.signal?.aborted) throw new Error('decode cancelled');
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { videoDecodedS, audioDecodedS, framesByTap, exitCode: code, errors, errorCount };
}

/** Re-chunks a byte stream into fixed-size, freshly allocated buffers (optionally a short last one). */
async function* fixedChunks(stream: Readable, size: number, emitPartial = false): AsyncGenerator<Buffer> {
  let current = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(size - filled, chunk.length - offset);
      chunk.copy(current, filled, offset, offset + n);
      filled += n;
      offset += n;
      if (filled === size) {
        yield current;
        current = Buffer.allocUnsafe(size);
        filled = 0;
      }
    }
  }
  if (emitPartial && filled >= 2) yield current.subarray(0, filled - (filled % 2));
}
