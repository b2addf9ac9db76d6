// Is YuNet on the frame's own size (640×384 for a 640×360 frame) the same detector as on the 640×640
// letterbox it replaced? Decodes the faces tap of each file and runs both on every Nth frame: the
// letterbox through the original fixed-size model file (.tools/models/yunet_2023mar_fp32.onnx), the
// picture-sized input through the registry's any-size file. Prints, over the anchors above the picture,
// how many pass the weak-face threshold in each and how many disagree, the largest score and box
// differences, and the CPU time of each run.
//   node dist/bench/yunet-input-size.js FILE... [--every N]   (MARGIN=px of black kept, default 64)
import * as path from 'node:path';
import { toolsDir } from '../lib/config';
import { decodeOnce } from '../media/decode';
import { DEFAULT_FACE_PASS_CONFIG } from '../media/faces/pass';
import { probeMedia } from '../media/probe';
import { regionToPlanar } from '../models/image';
import { createSession, ort } from '../models/runtime';

const SIDE = 640;
const STRIDES = [8, 16, 32];
const WEAK_FACE_SCORE = 0.6;
/** Black kept beyond the picture, as models/yunet.ts's EDGE_BLACK (MARGIN=0 shows why it is needed). */
const MARGIN = Number(process.env.MARGIN ?? 64);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function anchorScore(out: ort.InferenceSession.ReturnType, stride: number, i: number): number {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return Math.sqrt(clamp((out[`cls_${stride}`]!.data as Float32Array)[i]!) * clamp((out[`obj_${stride}`]!.data as Float32Array)[i]!));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const everyAt = args.indexOf('--every');
  const every = everyAt >= 0 ? Number(args.splice(everyAt, 2)[1]) : 3;
  const options = { executionProviders: ['cpu'], intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' as const };
  const letterboxModel = await ort.InferenceSession.create(path.join(toolsDir(), 'models', 'yunet_2023mar_fp32.onnx'), options);
  const sizedModel = await createSession('yunet', { intraOpThreads: 1 });
  const input = new Float32Array(3 * SIDE * SIDE);
  for (const file of args) {
    const probe = await probeMedia(file);
    if (!probe.ok) throw new Error(`${file}: ${probe.problem.message}`);
    const s = { frames: 0, letterboxCpuMs: 0, sizedCpuMs: 0, letterboxFaces: 0, sizedFaces: 0, disagree: 0, maxScoreDiff: 0, maxBoxDiff: 0, height: 0 };
    let index = 0;
    const tap = { name: 'faces', width: DEFAULT_FACE_PASS_CONFIG.width, fps: DEFAULT_FACE_PASS_CONFIG.fps, pixFmt: 'rgb24' as const };
    await decodeOnce(file, probe.facts, {
      videoTaps: [
        {
          ...tap,
          onFrame: async (frame) => {
            if (index++ % every) return;
            const used = regionToPlanar(frame.data, frame.width, frame.height, { x: 0, y: 0, w: frame.width, h: frame.height }, 1, input, SIDE, 'bgr');
            const h = Math.min(SIDE, Math.ceil(used.h / 32) * 32 + MARGIN);
            const w = Math.min(SIDE, Math.ceil(used.w / 32) * 32 + (used.w < SIDE ? MARGIN : 0));
            const sized = new Float32Array(3 * w * h);
            for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) sized.set(input.subarray(c * SIDE * SIDE + y * SIDE, c * SIDE * SIDE + y * SIDE + w), (c * h + y) * w);
            let t = cpuMs();
            const a = await letterboxModel.run({ input: new ort.Tensor('float32', input, [1, 3, SIDE, SIDE]) });
            s.letterboxCpuMs += cpuMs() - t;
            t = cpuMs();
            const b = await sizedModel.run({ input: new ort.Tensor('float32', sized, [1, 3, h, w]) });
            s.sizedCpuMs += cpuMs() - t;
            s.frames++;
            s.height = h;
            for (const stride of STRIDES) {
              for (let row = 0; row < SIDE / stride; row++) {
                for (let col = 0; col < SIDE / stride; col++) {
                  const inside = row < h / stride && col < w / stride;
                  const sa = anchorScore(a, stride, row * (SIDE / stride) + col);
                  const ib = row * (w / stride) + col;
                  const sb = inside ? anchorScore(b, stride, ib) : 0;
                  if (sa >= WEAK_FACE_SCORE) s.letterboxFaces++;
                  if (sb >= WEAK_FACE_SCORE) s.sizedFaces++;
                  if (sa >= WEAK_FACE_SCORE !== sb >= WEAK_FACE_SCORE) s.disagree++;
                  if (!inside || Math.max(sa, sb) < 0.3) continue;
                  s.maxScoreDiff = Math.max(s.maxScoreDiff, Math.abs(sa - sb));
                  const ba = a[`bbox_${stride}`]!.data as Float32Array;
                  const bb = b[`bbox_${stride}`]!.data as Float32Array;
                  for (let k = 0; k < 4; k++) s.maxBoxDiff = Math.max(s.maxBoxDiff, Math.abs(ba[(row * (SIDE / stride) + col) * 4 + k]! - bb[ib * 4 + k]!));
                }
              }
            }
          },
        },
      ],
    });
    console.log(
      `${path.basename(file)}: ${s.frames} frames; letterbox 640×640 ${(s.letterboxCpuMs / s.frames).toFixed(1)} CPU-ms/frame, sized 640×${s.height} ${(s.sizedCpuMs / s.frames).toFixed(1)} CPU-ms/frame; ` +
        `anchors ≥ ${WEAK_FACE_SCORE}: ${s.letterboxFaces} vs ${s.sizedFaces}, disagreeing ${s.disagree}; max score diff ${s.maxScoreDiff.toExponential(2)}, max box diff ${s.maxBoxDiff.toExponential(2)} (stride units)`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
