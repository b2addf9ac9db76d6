// Where a damaged file could not be decoded: run only when the shared decode reported errors. One stream at a
// time, ffprobe lists every packet and every frame it decodes from them, with the decoder told to give up on
// a damaged packet rather than hide the damage (-err_detect explode: a concealed, half-garbage picture counts
// as not decoded). A packet with no frame is a hole; neighbouring holes make a span. In video the pictures
// after a hole, up to the next keyframe, are predicted from the damaged one, so the span runs to that keyframe.
import * as readline from 'node:readline';
import { spawnFfprobe } from '../ffmpeg';
import { round } from '../../lib/numbers';

export interface UndecodableSpan {
  stream: 'video' | 'audio';
  /** Seconds from the stream's first decoded frame. */
  from: number;
  to: number;
  /** Packets in the span that gave no frame. */
  packets: number;
  /** Video: the span ends at this keyframe (the pictures before it were predicted from damaged ones); null when no keyframe follows. */
  keyframeAt?: number | null;
}

export interface UndecodableScan {
  spans: UndecodableSpan[];
  packets: number;
  frames: number;
  /** Packets that gave no frame. */
  holes: number;
}

/** Holes closer than this (or 3 packet durations) belong to one span. */
const MERGE_S = 0.5;

interface Packet {
  t: number;
  duration: number;
  key: boolean;
}

function field(line: string, name: string): string | undefined {
  const at = line.indexOf(`|${name}=`);
  if (at < 0) return undefined;
  const start = at + name.length + 2;
  const end = line.indexOf('|', start);
  return line.slice(start, end < 0 ? undefined : end);
}

export async function locateUndecodable(file: string, streamIndex: number, kind: 'video' | 'audio', signal?: AbortSignal): Promise<UndecodableScan> {
  const tool = spawnFfprobe(
    [
      '-v', 'quiet',
      '-err_detect', '+explode',
      '-select_streams', String(streamIndex),
      '-show_packets', '-show_frames',
      '-show_entries', 'packet=pts_time,dts_time,duration_time,flags:frame=best_effort_timestamp_time',
      '-of', 'compact=p=1:nk=0',
      file,
    ],
    { signal },
  );
  const lines = readline.createInterface({ input: tool.stdout, crlfDelay: Infinity });
  const packets: Packet[] = [];
  const frames: number[] = [];
  for await (const line of lines) {
    if (line.startsWith('packet|')) {
      const pts = Number(field(line, 'pts_time'));
      const t = Number.isFinite(pts) ? pts : Number(field(line, 'dts_time'));
      if (!Number.isFinite(t)) continue;
      const d = Number(field(line, 'duration_time'));
      packets.push({ t, duration: Number.isFinite(d) && d > 0 ? d : 0, key: (field(line, 'flags') ?? '').includes('K') });
    } else if (line.startsWith('frame|')) {
      const t = Number(field(line, 'best_effort_timestamp_time'));
      if (Number.isFinite(t)) frames.push(t);
    }
  }
  await tool.done;
  if (signal?.aborted) throw new Error('locating undecodable spans cancelled');
  return { ...spansOf(kind, packets, frames), packets: packets.length, frames: frames.length };
}

/** Matches packets to decoded frames by timestamp; packets without a frame are holes, grouped into spans. */
export function spansOf(kind: 'video' | 'audio', packets: Packet[], frames: number[]): { spans: UndecodableSpan[]; holes: number } {
  const decoded = new Set(frames.map((t) => Math.round(t * 1000)));
  const origin = frames.length ? frames.reduce((a, b) => Math.min(a, b)) : Math.max(0, packets.reduce((a, p) => Math.min(a, p.t), Infinity));
  const sorted = [...packets].sort((a, b) => a.t - b.t);
  const typical = median(sorted.map((p) => p.duration).filter((d) => d > 0)) ?? 0;
  // Encoder priming (AAC's first packet, stamped before zero) never gives a frame: not damage.
  const holes = sorted.filter((p) => p.t >= 0 && !decoded.has(Math.round(p.t * 1000)) && ![-1, 1].some((e) => decoded.has(Math.round(p.t * 1000) + e)));
  const spans: UndecodableSpan[] = [];
  for (const p of holes) {
    const end = p.t + (p.duration || typical);
    const last = spans.at(-1);
    if (last && p.t - origin <= last.to + Math.max(MERGE_S, 3 * typical)) {
      last.to = Math.max(last.to, end - origin);
      last.packets++;
    } else spans.push({ stream: kind, from: p.t - origin, to: end - origin, packets: 1 });
  }
  if (kind === 'video') {
    const streamEnd = sorted.length ? sorted.at(-1)!.t + (sorted.at(-1)!.duration || typical) - origin : 0;
    for (const s of spans) {
      const key = sorted.find((p) => p.key && p.t - origin >= s.to - 1e-6);
      s.keyframeAt = key ? round(key.t - origin, 3) : null;
      s.to = key ? key.t - origin : Math.max(s.to, streamEnd);
    }
    // Two holes in one group of pictures are one span.
    for (let i = spans.length - 1; i > 0; i--) {
      const [a, b] = [spans[i - 1]!, spans[i]!];
      if (b.from <= a.to) {
        a.to = Math.max(a.to, b.to);
        a.packets += b.packets;
        a.keyframeAt = b.keyframeAt ?? null;
        spans.splice(i, 1);
      }
    }
  }
  // Packets stamped before the first frame (a damaged start) are clamped to it; a span needs a length.
  const clamped = spans.map((s) => ({ ...s, from: round(Math.max(0, s.from), 3), to: round(Math.max(0, s.to, s.from + typical), 3) })).filter((s) => s.to > s.from);
  return { spans: clamped, holes: holes.length };
}

function median(values: number[]): number | undefined {
  if (!values.length) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
