// Resizing a packed RGB24 frame into a planar float tensor for the text detector.

interface Taps {
  n: number;
  index: Int32Array;
  weight: Float32Array;
}

/**
 * Separable resampling weights from `srcN` to `outN` samples: a triangle filter, widened by the reduction
 * when shrinking (an averaging filter, so thin strokes survive) and bilinear when enlarging.
 */
function taps(srcN: number, outN: number): Taps {
  const scale = outN / srcN;
  const radius = scale < 1 ? 1 / scale : 1;
  const n = 2 * Math.ceil(radius) + 1;
  const index = new Int32Array(outN * n);
  const weight = new Float32Array(outN * n);
  for (let i = 0; i < outN; i++) {
    const centre = (i + 0.5) / scale - 0.5;
    const lo = Math.ceil(centre - radius);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const j = lo + k;
      const wgt = Math.max(0, 1 - Math.abs(j - centre) / radius);
      index[i * n + k] = Math.min(srcN - 1, Math.max(0, j));
      weight[i * n + k] = wgt;
      sum += wgt;
    }
    for (let k = 0; k < n; k++) weight[i * n + k] = weight[i * n + k]! / (sum || 1);
  }
  return { n, index, weight };
}

export type ChannelOrder = 'rgb' | 'bgr';

/**
 * Resizes a packed RGB24 frame to outW × outH and writes it planar as (v/255 − mean)/std into a new
 * [3, outH, outW] Float32Array, planes in `order`.
 */
export function resizeToPlanar(
  rgb: Uint8Array,
  width: number,
  height: number,
  outW: number,
  outH: number,
  norm: { mean: number; std: number },
  order: ChannelOrder,
): Float32Array {
  const tx = taps(width, outW);
  const ty = taps(height, outH);
  // Horizontal pass into a float row buffer per source row, then vertical.
  const tmp = new Float32Array(height * outW * 3);
  for (let y = 0; y < height; y++) {
    const srcRow = y * width * 3;
    const dstRow = y * outW * 3;
    for (let i = 0; i < outW; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < tx.n; k++) {
        const wgt = tx.weight[i * tx.n + k]!;
        if (wgt === 0) continue;
        const p = srcRow + tx.index[i * tx.n + k]! * 3;
        r += rgb[p]! * wgt;
        g += rgb[p + 1]! * wgt;
        b += rgb[p + 2]! * wgt;
      }
      tmp[dstRow + i * 3] = r;
      tmp[dstRow + i * 3 + 1] = g;
      tmp[dstRow + i * 3 + 2] = b;
    }
  }
  const plane = outW * outH;
  const out = new Float32Array(3 * plane);
  const first = order === 'rgb' ? 0 : 2 * plane;
  const third = order === 'rgb' ? 2 * plane : 0;
  const a = 1 / (255 * norm.std);
  const c = -norm.mean / norm.std;
  for (let j = 0; j < outH; j++) {
    for (let i = 0; i < outW; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < ty.n; k++) {
        const wgt = ty.weight[j * ty.n + k]!;
        if (wgt === 0) continue;
        const p = (ty.index[j * ty.n + k]! * outW + i) * 3;
        r += tmp[p]! * wgt;
        g += tmp[p + 1]! * wgt;
        b += tmp[p + 2]! * wgt;
      }
      const o = j * outW + i;
      out[first + o] = r * a + c;
      out[plane + o] = g * a + c;
      out[third + o] = b * a + c;
    }
  }
  return out;
}

/** Detector input size: the frame scaled so its long side is at most `maxSide`, each side a multiple of 32 (≥ 32). */
export function detInputSize(width: number, height: number, maxSide: number): { w: number; h: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const round32 = (v: number): number => Math.max(32, Math.round(v / 32) * 32);
  return { w: round32(width * scale), h: round32(height * scale) };
}
