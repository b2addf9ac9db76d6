// One frame of a recording at a media time, decoded on its own: after the shared pass has chosen which few
// frames are worth reading (one per document showing), seeking to each costs a keyframe interval of
// decoding, where carrying large colour frames through the whole pass costs every frame.
import { runFfmpegToBuffer } from './ffmpeg';
import type { MediaFacts } from './probe';

interface GrabbedFrame {
  /** Media time asked for (seconds from the first video frame, as in the decode's taps). */
  t: number;
  width: number;
  height: number;
  /** Packed RGB24. */
  data: Buffer;
}

/**
 * Builds ffmpeg arguments: one frame, scaled (area) to width × height, packed RGB. `input` seeks in the
 * container (fast, needs an index or a keyframe before t); `output` decodes from the start and drops
 * frames before t (slow, always right).
 */
function frameAtArgs(file: string, facts: MediaFacts, t: number, width: number, height: number, how: 'input' | 'output' = 'input'): string[] {
  // ffmpeg seeks relative to the container's start; tap times count from the video stream's first frame.
  const videoStart = facts.video ? facts.video.startS - facts.startS : 0;
  const seek = Math.max(0, t + (Number.isFinite(videoStart) ? videoStart : 0)).toFixed(3);
  const input = how === 'input' ? ['-ss', seek, '-i', file] : ['-i', file, '-ss', seek];
  return ['-v', 'error', ...input, '-map', '0:v:0', '-an', '-sn', '-dn', '-frames:v', '1', '-vf', `scale=${width}:${height}:flags=area,format=rgb24`, '-f', 'rawvideo', 'pipe:1'];
}

class FrameUnavailable extends Error {
  override name = 'FrameUnavailable';
}

/** Decodes the frame shown at `t`, scaled to width × height. */
export async function frameAt(file: string, facts: MediaFacts, t: number, width: number, height: number, signal?: AbortSignal): Promise<GrabbedFrame> {
  const want = width * height * 3;
  let data = await runFfmpegToBuffer(frameAtArgs(file, facts, t, width, height), signal ? { signal } : {});
  // A container without an index (MPEG-TS) and a long GOP: the seek lands past the last keyframe.
  if (data.length !== want) data = await runFfmpegToBuffer(frameAtArgs(file, facts, t, width, height, 'output'), signal ? { signal } : {});
  if (data.length !== want) throw new FrameUnavailable(`no frame at ${t.toFixed(2)} s (${data.length} bytes decoded, want ${width * height * 3})`);
  return { t, width, height, data };
}

/** Frames of one file on demand (packed RGB, as the documents pass wants them). */
export function framesOf(file: string, facts: MediaFacts, signal?: AbortSignal): { frameAt(t: number, width: number, height: number): Promise<{ width: number; height: number; rgb: Buffer }> } {
  return {
    frameAt: async (t, width, height) => ({ width, height, rgb: (await frameAt(file, facts, t, width, height, signal)).data }),
  };
}
