// Face detection with YuNet 2023mar (OpenCV model zoo, MIT) on onnxruntime-node.
//
// The network takes one picture of up to 640×640 (sides multiples of 32: the model file has its input size
// freed, see scripts/prepare-models.py), planar BGR, float 0–255 (no mean/scale), and answers per anchor on
// three grids (strides 8, 16, 32: 80², 40², 20² cells) with sigmoid class and objectness scores, a box
// (offset of the centre within the cell and log size, in stride units) and 5 landmarks (offsets in stride
// units). A frame is letterboxed into that input (scaled to fit, at most 2× up, padded black right/bottom,
// resampled with an averaging filter when shrinking); with `tiles`, frames larger than the input are also
// cut into overlapping 640×640 windows at full resolution, which finds small faces the downscaled whole
// frame loses. Input order (BGR) checked on the fixtures: RGB scores real faces 0.01–0.13 lower and adds
// false detections.
import { intersectionArea, iou, type Rect } from '../lib/geometry';
import { checkFrame, regionToPlanar } from './image';
import { createSession, ort, type SessionOptions } from './runtime';

export interface DetectedFace {
  /** Box in input-frame pixels (top-left corner, size), clipped to the frame. */
  x: number;
  y: number;
  w: number;
  h: number;
  /** sqrt(class · objectness), 0–1. */
  score: number;
  /** Right eye, left eye, nose tip, right mouth corner, left mouth corner (the person's right/left), frame pixels. */
  landmarks: [number, number][];
}

interface DetectOptions {
  /** Minimum score kept. Default DEFAULT_SCORE_THRESHOLD. */
  scoreThreshold?: number;
  /** Overlap (IoU) above which the lower-scoring of two boxes is dropped. Default DEFAULT_NMS_IOU. */
  nmsIou?: number;
  /** Also look at full-resolution 640×640 tiles when the frame is larger than that. Default false. */
  tiles?: boolean;
}

const YUNET_INPUT = 640;
const STRIDES = [8, 16, 32] as const;
const COARSEST_STRIDE = 32;

/**
 * Default score threshold: 0.8, chosen on registry pictures (fixtures/faces, skimage data, opencv-doc
 * examples, the face-api demo groups, composed frames). Faces looking roughly at the camera score
 * 0.81–0.95; things that are not people's faces reach 0.75 (a chimney 12 px wide, a motorbike headlight, a
 * squirrel; 0.68 a blurred object behind a group). Faces that are small (< 30 px) in the whole-frame pass,
 * or tilted 30–45°, score 0.68–0.80 there; tiles lift small ones (12 px and up) to 0.82–0.93. OpenCV's
 * default (0.9) drops real faces at 0.86–0.90.
 */
const DEFAULT_SCORE_THRESHOLD = 0.8;
/** OpenCV's FaceDetectorYN default. */
const DEFAULT_NMS_IOU = 0.3;
/** Tiles overlap by at least this much, so a face up to this size lies wholly inside some tile. */
const TILE_MIN_OVERLAP = 128;
/**
 * Tiles only contribute faces up to this size (frame pixels): larger ones are found in the whole frame, and a
 * large face cut by a tile edge comes back from the tile as a confident box around its visible part.
 */
const TILE_MAX_FACE = TILE_MIN_OVERLAP;
/** Letterboxing never enlarges a small frame by more than this. */
const MAX_UPSCALE = 2;

let cached: Promise<FaceDetector> | undefined;

interface Window {
  /** Frame region looked at. */
  region: Rect;
  /** Model pixels per frame pixel. */
  scale: number;
  /** Whether a box touching this edge of the window was cut by the window (not by the frame). */
  innerEdges: { left: boolean; top: boolean; right: boolean; bottom: boolean };
  /** Largest face (frame pixels) this window reports. */
  maxFace: number;
}

export class FaceDetector {
  private readonly input = new Float32Array(3 * YUNET_INPUT * YUNET_INPUT);
  private busy: Promise<unknown> = Promise.resolve();

  private constructor(private readonly session: ort.InferenceSession) {}

  /** The process's detector (one onnxruntime session); options apply to the first call only. */
  static load(options: SessionOptions = {}): Promise<FaceDetector> {
    cached ??= createSession('yunet', options).then((s) => new FaceDetector(s));
    cached.catch(() => {
      cached = undefined; // let a later call retry (e.g. after setup has run)
    });
    return cached;
  }

  /** Faces in a packed RGB24 frame, best first. */
  async detect(rgb: Buffer | Uint8Array, width: number, height: number, opts: DetectOptions = {}): Promise<DetectedFace[]> {
    checkFrame(rgb, width, height);
    const threshold = opts.scoreThreshold ?? DEFAULT_SCORE_THRESHOLD;
    const nmsIou = opts.nmsIou ?? DEFAULT_NMS_IOU;
    const windows = [wholeFrame(width, height)];
    const tiled = Boolean(opts.tiles) && (width > YUNET_INPUT || height > YUNET_INPUT);
    if (tiled) windows.push(...tileWindows(width, height));
    const found: DetectedFace[] = [];
    for (const win of windows) found.push(...(await this.runWindow(rgb, width, height, win, threshold)));
    return nms(found, nmsIou);
  }

  private async runWindow(rgb: Uint8Array, width: number, height: number, win: Window, threshold: number): Promise<DetectedFace[]> {
    // One shared input buffer: windows of concurrent detect() calls take turns.
    let inputWidth = YUNET_INPUT;
    const turn = this.busy.then(async () => {
      const used = regionToPlanar(rgb, width, height, win.region, win.scale, this.input, YUNET_INPUT, 'bgr');
      const [w, h] = [paddedSide(used.w), paddedSide(used.h)];
      inputWidth = w;
      const feeds = { input: new ort.Tensor('float32', cropPlanes(this.input, w, h), [1, 3, h, w]) };
      return this.session.run(feeds);
    });
    this.busy = turn.catch(() => undefined);
    const outputs = await turn;
    const faces = decode(outputs, threshold, inputWidth);
    const kept: DetectedFace[] = [];
    for (const f of faces) {
      const mapped = toFrame(f, win, width, height);
      if (mapped) kept.push(mapped);
    }
    return kept;
  }
}

function wholeFrame(width: number, height: number): Window {
  const scale = Math.min(MAX_UPSCALE, YUNET_INPUT / width, YUNET_INPUT / height);
  return {
    region: { x: 0, y: 0, w: width, h: height },
    scale,
    innerEdges: { left: false, top: false, right: false, bottom: false },
    maxFace: Infinity,
  };
}

/** Start offsets of tiles of `size` covering `length`, evenly spread, overlapping by ≥ TILE_MIN_OVERLAP. */
function tileStarts(length: number, size: number): number[] {
  if (length <= size) return [0];
  const count = Math.ceil((length - size) / (size - TILE_MIN_OVERLAP)) + 1;
  const step = (length - size) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * step));
}

function tileWindows(width: number, height: number): Window[] {
  const tw = Math.min(YUNET_INPUT, width);
  const th = Math.min(YUNET_INPUT, height);
  const windows: Window[] = [];
  for (const y of tileStarts(height, th)) {
    for (const x of tileStarts(width, tw)) {
      windows.push({
        region: { x, y, w: tw, h: th },
        scale: 1,
        innerEdges: { left: x > 0, top: y > 0, right: x + tw < width, bottom: y + th < height },
        maxFace: TILE_MAX_FACE,
      });
    }
  }
  return windows;
}

/**
 * Black rows (or columns) kept below (or right of) the picture: without them the anchors at the picture's
 * edge see the network's own zero padding instead of the letterbox's black, and a face there scored up to
 * 0.22 differently (remote tiles); with two coarse cells of black, at most 2e-4 (bench/yunet-input-size.ts).
 */
const EDGE_BLACK = 2 * COARSEST_STRIDE;

/** The input side for a letterboxed picture side: rounded up to the coarsest stride, plus EDGE_BLACK. */
function paddedSide(px: number): number {
  if (px >= YUNET_INPUT) return YUNET_INPUT;
  return Math.min(YUNET_INPUT, Math.ceil(px / COARSEST_STRIDE) * COARSEST_STRIDE + EDGE_BLACK);
}

/**
 * The top-left w×h of each 640×640 input plane, packed. Only the black letterbox padding is left out: the
 * anchors over the picture score the same as in the full letterbox (see EDGE_BLACK) and a 640×360 frame
 * costs a 640×448 run, not a 640×640 one.
 */
function cropPlanes(input: Float32Array, w: number, h: number): Float32Array {
  if (w === YUNET_INPUT && h === YUNET_INPUT) return input;
  const plane = YUNET_INPUT * YUNET_INPUT;
  const out = new Float32Array(3 * w * h);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < h; y++) out.set(input.subarray(c * plane + y * YUNET_INPUT, c * plane + y * YUNET_INPUT + w), (c * h + y) * w);
  }
  return out;
}

/** Detections in model-input pixels, from an input `inputWidth` pixels wide. */
function decode(outputs: ort.InferenceSession.ReturnType, threshold: number, inputWidth: number): DetectedFace[] {
  const faces: DetectedFace[] = [];
  for (const stride of STRIDES) {
    const cls = tensorData(outputs, `cls_${stride}`);
    const obj = tensorData(outputs, `obj_${stride}`);
    const bbox = tensorData(outputs, `bbox_${stride}`);
    const kps = tensorData(outputs, `kps_${stride}`);
    const cols = inputWidth / stride;
    for (let i = 0; i < cls.length; i++) {
      const c = Math.min(1, Math.max(0, cls[i]!));
      const o = Math.min(1, Math.max(0, obj[i]!));
      const score = Math.sqrt(c * o);
      if (score < threshold) continue;
      const col = i % cols;
      const row = Math.floor(i / cols);
      const cx = (col + bbox[i * 4]!) * stride;
      const cy = (row + bbox[i * 4 + 1]!) * stride;
      const w = Math.exp(bbox[i * 4 + 2]!) * stride;
      const h = Math.exp(bbox[i * 4 + 3]!) * stride;
      const landmarks: [number, number][] = [];
      for (let k = 0; k < 5; k++) landmarks.push([(col + kps[i * 10 + 2 * k]!) * stride, (row + kps[i * 10 + 2 * k + 1]!) * stride]);
      faces.push({ x: cx - w / 2, y: cy - h / 2, w, h, score, landmarks });
    }
  }
  return faces;
}

function tensorData(outputs: ort.InferenceSession.ReturnType, name: string): Float32Array {
  const t = outputs[name];
  if (!t || !(t.data instanceof Float32Array)) throw new Error(`YuNet output ${name} missing or not float32`);
  return t.data;
}

/**
 * Maps a model-pixel detection into frame pixels. Drops what the window is not trusted with: faces larger
 * than its `maxFace`, and boxes near an edge where the window cut the frame (a cut face shrinks its box to
 * the visible part, so "near" is a tenth of the box plus 2 px; another window holds that face whole).
 */
function toFrame(f: DetectedFace, win: Window, width: number, height: number): DetectedFace | undefined {
  const s = win.scale;
  const left = f.x / s + win.region.x;
  const top = f.y / s + win.region.y;
  const right = (f.x + f.w) / s + win.region.x;
  const bottom = (f.y + f.h) / s + win.region.y;
  if (Math.max(right - left, bottom - top) > win.maxFace) return undefined;
  const margin = 2 + 0.1 * Math.max(right - left, bottom - top);
  const e = win.innerEdges;
  if (
    (e.left && left <= win.region.x + margin) ||
    (e.top && top <= win.region.y + margin) ||
    (e.right && right >= win.region.x + win.region.w - margin) ||
    (e.bottom && bottom >= win.region.y + win.region.h - margin)
  ) {
    return undefined;
  }
  const x = Math.max(0, left);
  const y = Math.max(0, top);
  const w = Math.min(width, right) - x;
  const h = Math.min(height, bottom) - y;
  if (w <= 0 || h <= 0) return undefined;
  return {
    x,
    y,
    w,
    h,
    score: f.score,
    landmarks: f.landmarks.map(([lx, ly]) => [lx / s + win.region.x, ly / s + win.region.y] as [number, number]),
  };
}

function overlap(a: DetectedFace, b: DetectedFace): { iou: number; ofSmaller: number } {
  return { iou: iou(a, b), ofSmaller: intersectionArea(a, b) / (Math.min(a.w * a.h, b.w * b.h) || 1) };
}

/**
 * Greedy non-maximum suppression, best score first: a box overlapping a better one by more than
 * `iouThreshold` (IoU), or lying mostly (80 %) inside it or around it, is the same face and is dropped.
 * (The containment rule catches the same face boxed at two scales, e.g. from the whole frame and a tile.)
 */
function nms(faces: DetectedFace[], iouThreshold: number): DetectedFace[] {
  const sorted = [...faces].sort((a, b) => b.score - a.score);
  const kept: DetectedFace[] = [];
  for (const f of sorted) {
    const dup = kept.some((k) => {
      const o = overlap(k, f);
      return o.iou > iouThreshold || o.ofSmaller > 0.8;
    });
    if (!dup) kept.push(f);
  }
  return kept;
}
