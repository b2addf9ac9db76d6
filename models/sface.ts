// Face embedding with SFace 2021dec (OpenCV model zoo, Apache-2.0) on onnxruntime-node.
//
// A detected face is aligned onto the standard 112×112 ArcFace five-point template with the least-squares
// similarity transform (rotation + uniform scale + shift) from its YuNet landmarks, warped bilinearly, and
// fed to SFace as planar RGB float 0–255 (the graph itself subtracts 127.5 and multiplies by 1/128). The
// 128-d output is L2-normalised, so the cosine similarity of two faces is their dot product.
// Channel order checked: with RGB, same-person pairs of the fixtures average 0.945 and different people
// 0.024 (BGR: 0.931 / 0.035), and different people in the face-api demo groups stay ≤ 0.39 (BGR: 0.48).
import { unitCosine } from '../lib/geometry';
import { checkFrame, invertAffine, warpToPlanar, type Affine } from './image';
import { createSession, ort, type SessionOptions } from './runtime';
import type { DetectedFace } from './yunet';

const SFACE_INPUT = 112;
const EMBEDDING_SIZE = 128;

/**
 * Where the five landmarks go in the 112×112 crop (the ArcFace/InsightFace template SFace was trained on):
 * the person's right eye, left eye, nose tip, right and left mouth corners — YuNet's order.
 */
const ALIGN_TEMPLATE: readonly (readonly [number, number])[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/**
 * Cosine-similarity facts for deciding "same person" (not a rule: thresholds belong in rulebooks).
 * - `opencvSameIdentity`: OpenCV's published SFace threshold (cosine ≥ 0.363 = same identity, on LFW).
 * - `measuredSameMin` / `measuredDifferentMax`: test/unit/models.test.ts on the four fixture people
 *   (frontal, face boxes 44–244 px): each photo original, mirrored, half size, darker, brighter — 40
 *   same-person pairs ≥ 0.88 (mean 0.96), 150 different-person pairs ≤ 0.18 (mean 0.02).
 * - `measuredDifferentMaxNonFrontal`: 22 faces of different people in the six group photos of npm
 *   @vladmandic/face-api 1.7.15 (demo/sample*.jpg), several in profile or tilted 30°+: up to 0.39 (a profile
 *   against a tilted face) — above OpenCV's threshold. Only compare faces that look roughly at the camera.
 */
export const SIMILARITY = {
  opencvSameIdentity: 0.363,
  measuredSameMin: 0.88,
  measuredDifferentMax: 0.18,
  measuredDifferentMaxNonFrontal: 0.39,
} as const;

let cached: Promise<FaceEmbedder> | undefined;

export class FaceEmbedder {
  private readonly input = new Float32Array(3 * SFACE_INPUT * SFACE_INPUT);
  private busy: Promise<unknown> = Promise.resolve();

  private constructor(private readonly session: ort.InferenceSession) {}

  /** The process's embedder (one onnxruntime session); options apply to the first call only. */
  static load(options: SessionOptions = {}): Promise<FaceEmbedder> {
    cached ??= createSession('sface', options).then((s) => new FaceEmbedder(s));
    cached.catch(() => {
      cached = undefined;
    });
    return cached;
  }

  /** L2-normalised 128-d feature of `face` (landmarks from FaceDetector) in a packed RGB24 frame. */
  async embed(rgb: Buffer | Uint8Array, width: number, height: number, face: DetectedFace): Promise<Float32Array> {
    checkFrame(rgb, width, height);
    const toTemplate = fitSimilarity(face.landmarks, ALIGN_TEMPLATE);
    const turn = this.busy.then(async () => {
      warpToPlanar(rgb, width, height, invertAffine(toTemplate), this.input, SFACE_INPUT, 'rgb');
      return this.session.run({ data: new ort.Tensor('float32', this.input, [1, 3, SFACE_INPUT, SFACE_INPUT]) });
    });
    this.busy = turn.catch(() => undefined);
    const out = (await turn).fc1;
    if (!out || !(out.data instanceof Float32Array) || out.data.length !== EMBEDDING_SIZE) {
      throw new Error(`SFace output fc1 missing or not ${EMBEDDING_SIZE} float32 values`);
    }
    return l2normalise(out.data);
  }
}

/**
 * Least-squares similarity transform mapping `from` points onto `to` points:
 * minimises Σ |[a −b; b a]·p + t − q|², returned as the affine map [a, −b, tx, b, a, ty].
 */
export function fitSimilarity(from: readonly (readonly [number, number])[], to: readonly (readonly [number, number])[]): Affine {
  if (from.length !== to.length || from.length < 2) throw new RangeError(`need matching point lists (≥ 2), got ${from.length} and ${to.length}`);
  const n = from.length;
  let px = 0;
  let py = 0;
  let qx = 0;
  let qy = 0;
  for (let i = 0; i < n; i++) {
    px += from[i]![0];
    py += from[i]![1];
    qx += to[i]![0];
    qy += to[i]![1];
  }
  px /= n;
  py /= n;
  qx /= n;
  qy /= n;
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const ux = from[i]![0] - px;
    const uy = from[i]![1] - py;
    const vx = to[i]![0] - qx;
    const vy = to[i]![1] - qy;
    dot += ux * vx + uy * vy;
    cross += ux * vy - uy * vx;
    norm += ux * ux + uy * uy;
  }
  if (!(norm > 1e-9)) throw new RangeError('landmarks coincide: cannot align');
  const a = dot / norm;
  const b = cross / norm;
  return [a, -b, qx - (a * px - b * py), b, a, qy - (b * px + a * py)];
}

function l2normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (!(norm > 0)) throw new RangeError('cannot normalise a zero vector');
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / norm;
  return out;
}

/** Cosine similarity of two vectors of one length, whatever their norms, in [−1, 1]. */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`vectors differ in length: ${a.length} vs ${b.length}`);
  const na = unitCosine(a, a);
  const nb = unitCosine(b, b);
  if (!(na > 0 && nb > 0)) throw new RangeError('cosine similarity of a zero vector');
  return unitCosine(a, b) / Math.sqrt(na * nb);
}
