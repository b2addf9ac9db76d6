// An enrolled photo (the agent's, named by the sidecar) turned into an identity feature: decode the
// picture through the one ffmpeg spawn point, find its largest face, embed it.
import { runFfmpegToBuffer } from '../ffmpeg';
import { probeMedia } from '../probe';
import type { DetectedFace, FaceEmbedderLike } from './types';

interface EnrolDetector {
  detect(rgb: Buffer, width: number, height: number): Promise<DetectedFace[]>;
}

interface Enrolment {
  feature: Float32Array | null;
  problem?: string;
  faceHeightPx?: number;
}

/** Photos larger than this are scaled down first: a face photo needs no more. */
const MAX_SIDE = 1280;

export async function enrolPhoto(file: string, detector: EnrolDetector, embedder: FaceEmbedderLike, minFacePx = 40): Promise<Enrolment> {
  const probe = await probeMedia(file, undefined, { allowStill: true });
  if (!probe.ok || !probe.facts.video) return { feature: null, problem: `not a readable picture${probe.ok ? '' : `: ${probe.problem.message}`}` };
  let { width, height } = probe.facts.video;
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  width = Math.max(2, Math.round((width * scale) / 2) * 2);
  height = Math.max(2, Math.round((height * scale) / 2) * 2);
  const rgb = await runFfmpegToBuffer(['-v', 'error', '-i', file, '-frames:v', '1', '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  if (rgb.length !== width * height * 3) return { feature: null, problem: 'the picture could not be decoded' };
  const faces = await detector.detect(rgb, width, height);
  if (faces.length === 0) return { feature: null, problem: 'no face found in the enrolled photo' };
  const largest = faces.reduce((a, b) => (b.h > a.h ? b : a));
  if (largest.h < minFacePx) return { feature: null, problem: `the face in the enrolled photo is only ${Math.round(largest.h)} px tall`, faceHeightPx: largest.h };
  return { feature: await embedder.embed(rgb, width, height, largest), faceHeightPx: Math.round(largest.h) };
}
