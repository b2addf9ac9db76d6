// What ffprobe says about a file, reduced to the facts the inspection uses, and the classification of
// files ffprobe cannot open (empty, not media, an MP4 whose index is missing).
import * as fs from 'node:fs/promises';
import { FfmpegError, lastLines, MEDIA_DEMUXERS, runFfprobe } from './ffmpeg';

interface VideoFacts {
  index: number;
  codec: string;
  width: number;
  height: number;
  /** Display rotation in degrees (from the display matrix), 0 when none. */
  rotation: number;
  fps: number | null;
  durationS: number | null;
  startS: number;
}

interface AudioFacts {
  index: number;
  codec: string;
  sampleRate: number;
  channels: number;
  durationS: number | null;
  startS: number;
}

export interface MediaFacts {
  formatName: string;
  sizeBytes: number;
  durationS: number | null;
  /** Container start time; timelines are reported relative to it. */
  startS: number;
  bitRate: number | null;
  video: VideoFacts | null;
  audio: AudioFacts | null;
  videoStreams: number;
  audioStreams: number;
}

type Unreadable =
  | { code: 'empty'; message: string }
  | { code: 'truncated'; message: string }
  | { code: 'not_media'; message: string };

type ProbeResult = { ok: true; facts: MediaFacts } | { ok: false; problem: Unreadable; stderr: string };

interface RawStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  start_time?: string;
  sample_rate?: string;
  channels?: number;
  disposition?: { attached_pic?: number };
  side_data_list?: { side_data_type?: string; rotation?: number }[];
  tags?: { rotate?: string };
}

interface RawProbe {
  format?: { format_name?: string; duration?: string; start_time?: string; bit_rate?: string; size?: string };
  streams?: RawStream[];
}

export async function probeMedia(file: string, signal?: AbortSignal, options: { allowStill?: boolean } = {}): Promise<ProbeResult> {
  const stat = await fs.stat(file);
  if (stat.size === 0) return { ok: false, problem: { code: 'empty', message: 'the file is empty (0 bytes)' }, stderr: '' };
  let out: string;
  try {
    out = await runFfprobe(['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file], { signal });
  } catch (err) {
    if (!(err instanceof FfmpegError) || signal?.aborted) throw err;
    return { ok: false, problem: await classifyUnopenable(file, err.stderr), stderr: err.stderr };
  }
  const raw = JSON.parse(out) as RawProbe;
  const facts = toFacts(raw, stat.size);
  // ffmpeg opens a photo as a one-frame video: that is not a recording.
  const still = /^(image2|[a-z0-9]+_pipe)$/.test(facts.formatName) || (facts.video !== null && STILL_CODECS.has(facts.video.codec) && !facts.audio && (facts.durationS ?? 0) < 1);
  if (still && !facts.audio && !options.allowStill) {
    return { ok: false, problem: { code: 'not_media', message: `a still picture (${facts.video?.codec ?? facts.formatName}), not a recording` }, stderr: '' };
  }
  if (!facts.video && !facts.audio) {
    return {
      ok: false,
      problem: { code: 'not_media', message: `no audio or video stream (container ${facts.formatName})` },
      stderr: '',
    };
  }
  return { ok: true, facts };
}

const STILL_CODECS = new Set(['mjpeg', 'png', 'bmp', 'gif', 'webp', 'tiff', 'jpeg2000']);

/** ISO-BMFF files (mp4/mov) start with a box whose type is one of these. */
const ISO_BOX_TYPES = new Set(['ftyp', 'mdat', 'moov', 'free', 'skip', 'wide', 'pnot']);

/** What a refused demuxer means, in words: most of them read other files or addresses than the one given. */
const REFUSED_KINDS: Record<string, string> = {
  hls: 'an HLS playlist (m3u8: a list of other files or addresses to fetch)',
  concat: 'a concat list (ffconcat: names other files to join)',
  image2: 'an image sequence (reads other numbered files)',
  tty: 'plain text',
  ffmetadata: 'an ffmpeg metadata text file',
  data: 'raw data',
  lavfi: 'a filter graph description',
};

/** The demuxer ffprobe chose and refused, from its complaint (`[hls @ 0x…] Format not on whitelist …`). */
export function refusedDemuxer(stderr: string): string | null {
  const m = /\[([a-z0-9_]+) @ 0x[0-9a-f]+\] Format not on whitelist/i.exec(stderr);
  return m ? m[1]! : /Format not on whitelist/i.test(stderr) ? 'unknown' : null;
}

async function classifyUnopenable(file: string, stderr: string): Promise<Unreadable> {
  const refused = refusedDemuxer(stderr);
  if (refused) {
    const kind = REFUSED_KINDS[refused] ?? `the "${refused}" format`;
    return {
      code: 'not_media',
      message: `cannot be inspected: the file is ${kind}, not a media container we accept (${MEDIA_DEMUXERS.filter((d) => !d.endsWith('_pipe')).join(', ')}); nothing it refers to was opened`,
    };
  }
  const handle = await fs.open(file, 'r');
  const head = Buffer.alloc(12);
  try {
    await handle.read(head, 0, 12, 0);
  } finally {
    await handle.close();
  }
  const boxType = head.subarray(4, 8).toString('latin1');
  if (/moov atom not found/i.test(stderr) && ISO_BOX_TYPES.has(boxType)) {
    return {
      code: 'truncated',
      message: 'truncated: moov atom missing (the MP4 index was never written or was cut off; the recording did not finish)',
    };
  }
  return { code: 'not_media', message: `not a readable media file: ${lastLines(stderr, 2) || 'ffprobe found no streams'}` };
}

function num(value: string | undefined): number | null {
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function rate(value: string | undefined): number | null {
  if (!value) return null;
  const [a, b] = value.split('/').map(Number);
  if (a === undefined || b === undefined || !b || !Number.isFinite(a)) return null;
  const fps = a / b;
  return fps > 0 && fps < 1000 ? fps : null;
}

function rotationOf(stream: RawStream): number {
  const matrix = stream.side_data_list?.find((s) => typeof s.rotation === 'number');
  const degrees = matrix?.rotation ?? num(stream.tags?.rotate) ?? 0;
  return ((Math.round(degrees) % 360) + 360) % 360;
}

function toFacts(raw: RawProbe, sizeBytes: number): MediaFacts {
  const streams = raw.streams ?? [];
  // Cover art in an mp3/m4a is a "video" stream of one picture: not a video track.
  const videos = streams.filter((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audios = streams.filter((s) => s.codec_type === 'audio');
  const startS = num(raw.format?.start_time) ?? 0;
  const v = videos[0];
  const a = audios[0];
  return {
    formatName: raw.format?.format_name ?? 'unknown',
    sizeBytes,
    durationS: num(raw.format?.duration),
    startS,
    bitRate: num(raw.format?.bit_rate),
    videoStreams: videos.length,
    audioStreams: audios.length,
    video: v
      ? {
          index: v.index ?? 0,
          codec: v.codec_name ?? 'unknown',
          width: v.width ?? 0,
          height: v.height ?? 0,
          rotation: rotationOf(v),
          fps: rate(v.avg_frame_rate) ?? rate(v.r_frame_rate),
          durationS: num(v.duration),
          startS: num(v.start_time) ?? startS,
        }
      : null,
    audio: a
      ? {
          index: a.index ?? 0,
          codec: a.codec_name ?? 'unknown',
          sampleRate: num(a.sample_rate) ?? 0,
          channels: a.channels ?? 0,
          durationS: num(a.duration),
          startS: num(a.start_time) ?? startS,
        }
      : null,
  };
}
