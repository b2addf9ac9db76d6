// Timestamp gaps in the container: a recorder paused, or pieces joined without re-encoding. Read from the
// packet index (demux only, no decode), one stream at a time, streamed so a 3-hour file stays cheap.
import * as readline from 'node:readline';
import { spawnFfprobe } from '../ffmpeg';
import { round } from '../../lib/numbers';

interface TimestampGap {
  stream: 'video' | 'audio';
  /** Seconds from the stream's first packet where the gap starts. */
  at: number;
  gapS: number;
}

export interface TimestampScan {
  gaps: TimestampGap[];
  packets: number;
  /** Packets whose timestamps go backwards (a damaged or badly joined file). */
  backwards: number;
  firstS: number | null;
  lastEndS: number | null;
}

export async function scanTimestamps(
  file: string,
  streamIndex: number,
  kind: 'video' | 'audio',
  minGapS: number,
  signal?: AbortSignal,
): Promise<TimestampScan> {
  const tool = spawnFfprobe(
    ['-v', 'error', '-select_streams', String(streamIndex), '-show_entries', 'packet=dts_time,pts_time,duration_time', '-of', 'csv=p=0', file],
    { signal },
  );
  const lines = readline.createInterface({ input: tool.stdout, crlfDelay: Infinity });
  const gaps: TimestampGap[] = [];
  let packets = 0;
  let backwards = 0;
  let first: number | null = null;
  let prevTime: number | null = null;
  let prevEnd: number | null = null;
  let typicalDuration = 0;
  for await (const line of lines) {
    const [ptsRaw, dtsRaw, durRaw] = line.split(',');
    const time = Number(dtsRaw !== undefined && dtsRaw !== '' && dtsRaw !== 'N/A' ? dtsRaw : ptsRaw);
    if (!Number.isFinite(time)) continue;
    const duration = Number(durRaw);
    packets++;
    if (first === null) first = time;
    const known = Number.isFinite(duration) && duration > 0;
    if (known && duration < minGapS) typicalDuration = duration;
    if (prevTime !== null && prevEnd !== null) {
      if (time < prevTime - 1e-6) backwards++;
      const gap = time - prevEnd;
      if (gap >= minGapS) gaps.push({ stream: kind, at: round(prevEnd - first), gapS: round(gap, 3) });
    }
    // MP4 stores a pause as one packet lasting the whole pause rather than as a jump in timestamps.
    if (known && typicalDuration > 0 && duration - typicalDuration >= minGapS) {
      gaps.push({ stream: kind, at: round(time + typicalDuration - first), gapS: round(duration - typicalDuration, 3) });
    }
    prevTime = time;
    const end = time + (known ? duration : typicalDuration);
    prevEnd = prevEnd === null ? end : Math.max(prevEnd, end);
  }
  await tool.done;
  return {
    gaps,
    packets,
    backwards,
    firstS: first,
    lastEndS: prevEnd === null || first === null ? null : round(prevEnd - first, 3),
  };
}
