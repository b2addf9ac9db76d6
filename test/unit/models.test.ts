// Face models on real photos: YuNet detection (fixture crops, astronaut.png, composed frames, pictures
// without faces), SFace embeddings (same person vs different people), and the registry's sha256 gate.
// Runs `python3 scripts/prepare-models.py` first when the model files are missing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureModels } from '../helpers/models';

import { FONT_FILE } from '../../fixtures/scene';
import { PROJECT_ROOT, toolsDir } from '../../lib/config';
import { runFfmpeg, runFfprobe, spawnFfmpeg } from '../../media/ffmpeg';
import { MODELS, ModelUnavailable, loadModelFile, modelPath, modelsDir, type ModelName } from '../../models/registry';
import { FaceEmbedder, SIMILARITY, cosineSimilarity, fitSimilarity } from '../../models/sface';
import { FaceDetector, type DetectedFace } from '../../models/yunet';

const FACES = path.join(PROJECT_ROOT, 'fixtures', 'faces');
const SKIMAGE = '/usr/lib/python3/dist-packages/skimage/data';
const ASTRONAUT = path.join(SKIMAGE, 'astronaut.png');

/** A picture from Debian's python3-skimage (scripts/setup.sh installs it): required, never a reason to skip. */
function skimagePicture(file: string): string {
  assert.ok(fs.existsSync(file), `${file} missing: Debian python3-skimage is not installed (bash scripts/setup.sh installs it)`);
  return file;
}
const PERSONS = ['agentA', 'agentB', 'custC', 'custD'] as const;

/** Eye centres (the person's right eye, then left) marked by hand on 4× zooms of each picture. */
const EYES: Record<string, [[number, number], [number, number]]> = {
  agentA: [[142, 101], [186, 104]],
  agentB: [[222, 220], [322, 236]],
  custC: [[130, 120], [180, 124]],
  custD: [[258, 308], [364, 296]],
  astronaut: [[202, 101], [246, 104]], // agentA is a crop of astronaut.png at (60, 0)
};

interface Frame {
  rgb: Buffer;
  width: number;
  height: number;
}

async function probeSize(file: string): Promise<{ width: number; height: number }> {
  const out = await runFfprobe(['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file], { ownFiles: true });
  const [width, height] = out.trim().split(',').map(Number);
  assert.ok(width && height, `no picture size for ${file}: ${out}`);
  return { width, height };
}

/** First picture of `file` as packed RGB24, through `filters`, scaled to width×height (default: as is). */
async function readRgb(file: string, filters: string[] = [], size?: { width: number; height: number }): Promise<Frame> {
  const { width, height } = size ?? (await probeSize(file));
  const vf = [...filters, `scale=${width}:${height}:flags=bicubic`].join(',');
  const tool = spawnFfmpeg(['-v', 'error', '-i', file, '-vf', vf, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { ownFiles: true });
  const chunks: Buffer[] = [];
  tool.stdout.on('data', (c: Buffer) => chunks.push(c));
  const { code, stderr } = await tool.done;
  assert.equal(code, 0, `ffmpeg could not decode ${file}: ${stderr}`);
  const rgb = Buffer.concat(chunks);
  assert.equal(rgb.length, width * height * 3, `${file}: ${rgb.length} bytes for ${width}×${height}`);
  return { rgb, width, height };
}

/** Two enrolled people (agentB left, custD right) scaled and placed on a noisy grey 640×360 frame. */
async function twoPeople(name: string, left: { height: number; at: [number, number] }, right: { height: number; at: [number, number] }): Promise<Frame> {
  const file = path.join(tmp, name);
  const place = `[0]noise=alls=8:all_seed=5[bg];[1]scale=-2:${left.height}[a];[2]scale=-2:${right.height}[b];[bg][a]overlay=${left.at.join(':')}[t];[t][b]overlay=${right.at.join(':')}`;
  await runFfmpeg(['-f', 'lavfi', '-i', 'color=c=0x7d8590:s=640x360:d=1', '-i', path.join(FACES, 'agentB.jpg'), '-i', path.join(FACES, 'custD.jpg'), '-filter_complex', place, '-frames:v', '1', file], { ownFiles: true });
  return readRgb(file);
}

function distance(a: readonly [number, number], b: readonly [number, number]): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

function describeFaces(faces: DetectedFace[]): string {
  return faces.map((f) => `${f.score.toFixed(3)}@${f.x.toFixed(0)},${f.y.toFixed(0)} ${f.w.toFixed(0)}×${f.h.toFixed(0)}`).join(' | ') || 'none';
}

/** Box inside the frame, landmarks inside the box in a face's layout, eyes where a person marked them. */
function assertPlausible(face: DetectedFace, frame: Frame, eyes: [[number, number], [number, number]] | undefined, label: string): void {
  assert.ok(face.x >= 0 && face.y >= 0 && face.x + face.w <= frame.width + 1e-6 && face.y + face.h <= frame.height + 1e-6, `${label}: box outside the frame`);
  assert.ok(face.w / face.h > 0.5 && face.w / face.h < 1.5, `${label}: box aspect ${face.w / face.h}`);
  assert.equal(face.landmarks.length, 5);
  for (const [x, y] of face.landmarks) {
    assert.ok(x >= face.x && x <= face.x + face.w && y >= face.y && y <= face.y + face.h, `${label}: landmark ${x},${y} outside its box`);
  }
  type Point = [number, number];
  const [re, le, nose, rm, lm] = face.landmarks as [Point, Point, Point, Point, Point];
  assert.ok(re[0] < le[0], `${label}: the person's right eye is on the picture's left`);
  assert.ok(rm[0] < lm[0], `${label}: the person's right mouth corner is on the picture's left`);
  const eyeY = (re[1] + le[1]) / 2;
  const mouthY = (rm[1] + lm[1]) / 2;
  assert.ok(eyeY < nose[1] && nose[1] < mouthY, `${label}: eyes above nose above mouth`);
  if (eyes) {
    const iod = distance(eyes[0], eyes[1]);
    assert.ok(distance(re, eyes[0]) < 0.25 * iod, `${label}: right eye ${re.join(',')} vs marked ${eyes[0].join(',')}`);
    assert.ok(distance(le, eyes[1]) < 0.25 * iod, `${label}: left eye ${le.join(',')} vs marked ${eyes[1].join(',')}`);
  }
}


async function timeIt(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / runs;
}

let tmp = '';
before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-models-'));
  await ensureModels();
});
after(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('model registry', () => {
  it('pins every model under toolsDir()/models with its source and licence', () => {
    assert.equal(modelsDir(), path.join(toolsDir(), 'models'));
    for (const m of Object.values(MODELS)) {
      assert.equal(modelPath(m.name), path.join(toolsDir(), 'models', m.file));
      assert.match(m.sha256, /^[0-9a-f]{64}$/);
      assert.match(m.source.memberSha256, /^[0-9a-f]{64}$/);
      assert.ok(['MIT', 'Apache-2.0'].includes(m.licence), m.licence);
      assert.equal(fs.statSync(modelPath(m.name)).size, m.sizeBytes);
    }
  });

  it('loadModelFile accepts the pinned files and names a corrupt, truncated or missing file', async () => {
    for (const name of Object.keys(MODELS) as ModelName[]) assert.equal((await loadModelFile(name)).length, MODELS[name].sizeBytes);

    const corrupt = path.join(tmp, 'corrupt-yunet.onnx');
    const bytes = fs.readFileSync(modelPath('yunet'));
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0x01; // one bit
    fs.writeFileSync(corrupt, bytes);
    await assert.rejects(loadModelFile('yunet', corrupt), (err: unknown) => {
      assert.ok(err instanceof ModelUnavailable);
      assert.ok(err.message.includes(corrupt), err.message);
      assert.match(err.message, /sha256/);
      assert.match(err.message, /bash scripts\/setup\.sh/);
      return true;
    });

    const truncated = path.join(tmp, 'truncated-yunet.onnx');
    fs.writeFileSync(truncated, bytes.subarray(0, 1000));
    await assert.rejects(loadModelFile('yunet', truncated), (err: unknown) => err instanceof ModelUnavailable && err.message.includes(truncated) && /1000 bytes/.test(err.message));

    const missing = path.join(tmp, 'nowhere', 'sface.onnx');
    await assert.rejects(loadModelFile('sface', missing), (err: unknown) => err instanceof ModelUnavailable && err.message.includes(missing) && /is missing/.test(err.message));
  });
});

describe('YuNet face detection', () => {
  let detector: FaceDetector;
  before(async () => {
    detector = await FaceDetector.load();
  });

  it('is one detector per process', async () => {
    assert.equal(await FaceDetector.load(), detector);
  });

  it('rejects a buffer that is not a packed RGB24 frame of the stated size', async () => {
    await assert.rejects(detector.detect(Buffer.alloc(10), 4, 4), RangeError);
  });

  for (const person of PERSONS) {
    it(`finds exactly the one face in fixtures/faces/${person}.jpg, eyes where marked`, async () => {
      const frame = await readRgb(path.join(FACES, `${person}.jpg`));
      const faces = await detector.detect(frame.rgb, frame.width, frame.height);
      assert.equal(faces.length, 1, describeFaces(faces));
      assertPlausible(faces[0]!, frame, EYES[person], person);
    });
  }

  it('finds the one face in skimage astronaut.png', async () => {
    const frame = await readRgb(skimagePicture(ASTRONAUT));
    const faces = await detector.detect(frame.rgb, frame.width, frame.height, { tiles: true });
    assert.equal(faces.length, 1, describeFaces(faces));
    assertPlausible(faces[0]!, frame, EYES.astronaut, 'astronaut');
  });

  it('finds nothing in blank, noise-only and text-only pictures', async (t) => {
    const blank = { rgb: Buffer.alloc(640 * 360 * 3, 128), width: 640, height: 360 };
    const black = { rgb: Buffer.alloc(1280 * 720 * 3, 0), width: 1280, height: 720 };
    const noiseFile = path.join(tmp, 'noise.png');
    await runFfmpeg(['-f', 'lavfi', '-i', 'color=c=0x808080:s=1280x720:d=1', '-vf', 'noise=alls=40:all_seed=3', '-frames:v', '1', noiseFile], { ownFiles: true });
    // A document as the recorder shows it: lines of Chinese and figures on a card.
    const docFile = path.join(tmp, 'document.png');
    const lines = ['人身保险投保提示书', '保险期间：十年    交费期间：五年', '犹豫期：15天  退保损失：现金价值', '投保人签名：__________', 'No. P2026112500017  ¥12,000.00'];
    const draw = lines.map((text, i) => `drawtext=fontfile=${FONT_FILE}:text='${text}':fontsize=${i === 0 ? 44 : 30}:fontcolor=0x202020:x=60:y=${50 + i * 60}`);
    await runFfmpeg(['-f', 'lavfi', '-i', 'color=c=0xf4f1e8:s=1280x720:d=1', '-vf', draw.join(','), '-frames:v', '1', docFile], { ownFiles: true });
    const pictures: [string, Frame][] = [
      ['uniform grey 640×360', blank],
      ['black 1280×720', black],
      ['noise 1280×720', await readRgb(noiseFile)],
      ['document card 1280×720', await readRgb(docFile)],
    ];
    for (const name of ['text.png', 'page.png']) {
      pictures.push([`skimage ${name}`, await readRgb(skimagePicture(path.join(SKIMAGE, name)))]);
    }
    for (const [label, frame] of pictures) {
      for (const tiles of [false, true]) {
        const faces = await detector.detect(frame.rgb, frame.width, frame.height, { tiles });
        assert.deepEqual(faces, [], `${label}${tiles ? ' (tiles)' : ''}: ${describeFaces(faces)}`);
      }
    }
    t.diagnostic(`no faces in: ${pictures.map(([l]) => l).join(', ')}`);
  });

  it('finds two people in a 640×360 frame; time per frame', async (t) => {
    const frame = await twoPeople('two-360p.png', { height: 220, at: [60, 110] }, { height: 220, at: [380, 110] });
    const faces = await detector.detect(frame.rgb, frame.width, frame.height);
    assert.equal(faces.length, 2, describeFaces(faces));
    const xs = faces.map((f) => f.x + f.w / 2).sort((a, b) => a - b);
    assert.ok(xs[0]! > 60 && xs[0]! < 60 + 174 && xs[1]! > 380 && xs[1]! < 380 + 179, `face centres ${xs.join(', ')}`);
    for (const f of faces) assertPlausible(f, frame, undefined, '640×360');
    const ms = await timeIt(10, () => detector.detect(frame.rgb, frame.width, frame.height));
    t.diagnostic(`YuNet 640×360 whole frame: ${ms.toFixed(1)} ms/frame (${describeFaces(faces)})`);
  });

  it('a 640×360 frame (input sized to the picture) finds what the same frame letterboxed into 640×640 finds, faces at the bottom edge included', async (t) => {
    const frame = await twoPeople('two-360p-low.png', { height: 240, at: [40, 190] }, { height: 300, at: [360, 160] });
    // The same picture with black rows below it: a 640×640 frame runs as the full, fixed-size input.
    const square = Buffer.alloc(640 * 640 * 3);
    frame.rgb.copy(square);
    const sized = await detector.detect(frame.rgb, frame.width, frame.height, { scoreThreshold: 0.3 });
    const full = await detector.detect(square, 640, 640, { scoreThreshold: 0.3 });
    assert.ok(sized.some((f) => f.y + f.h > 330), `a face reaches the bottom edge: ${describeFaces(sized)}`);
    assert.equal(sized.length, full.length, `${describeFaces(sized)} vs ${describeFaces(full)}`);
    for (const [i, f] of sized.entries()) {
      const g = full[i]!;
      assert.ok(Math.abs(f.score - g.score) < 1e-3, `score ${f.score} vs ${g.score}`);
      for (const k of ['x', 'y', 'w', 'h'] as const) assert.ok(Math.abs(f[k] - Math.min(g[k], k === 'h' ? 360 - g.y : Infinity)) < 0.5, `${k}: ${describeFaces([f])} vs ${describeFaces([g])}`);
    }
    t.diagnostic(`sized ${describeFaces(sized)}; letterboxed ${describeFaces(full)}`);
  });

  it('finds two small faces in a 1280×720 frame with tiles; time per frame', async (t) => {
    // Head-and-shoulders crops 80 px tall: face boxes of about 20–36 px, at the limit of the whole frame
    // (downscaled 2× into the 640×640 input) and comfortable in full-resolution tiles.
    const file = path.join(tmp, 'small-720p.png');
    const places = { custC: [300, 420], agentA: [900, 120] } as const;
    await runFfmpeg([
      '-f', 'lavfi', '-i', 'color=c=0x7d8590:s=1280x720:d=1',
      '-i', path.join(FACES, 'custC.jpg'),
      '-i', path.join(FACES, 'agentA.jpg'),
      '-filter_complex',
      `[0]noise=alls=10:all_seed=7,drawtext=fontfile=${FONT_FILE}:text='明诚人寿双录系统':fontsize=28:fontcolor=white:x=40:y=30[bg];` +
        `[1]scale=-2:80[c];[2]scale=-2:80[a];[bg][c]overlay=${places.custC.join(':')}[t];[t][a]overlay=${places.agentA.join(':')}`,
      '-frames:v', '1', file,
    ], { ownFiles: true });
    const frame = await readRgb(file);
    const whole = await detector.detect(frame.rgb, frame.width, frame.height);
    const tiled = await detector.detect(frame.rgb, frame.width, frame.height, { tiles: true });
    assert.equal(tiled.length, 2, describeFaces(tiled));
    for (const [x0, y0] of Object.values(places)) {
      const inside = tiled.filter((f) => f.x + f.w / 2 > x0 && f.x + f.w / 2 < x0 + 80 && f.y + f.h / 2 > y0 && f.y + f.h / 2 < y0 + 80);
      assert.equal(inside.length, 1, `one face in the crop at ${x0},${y0}: ${describeFaces(tiled)}`);
      assertPlausible(inside[0]!, frame, undefined, `crop at ${x0},${y0}`);
    }
    assert.ok(whole.length <= tiled.length);
    const msTiled = await timeIt(4, () => detector.detect(frame.rgb, frame.width, frame.height, { tiles: true }));
    const msWhole = await timeIt(4, () => detector.detect(frame.rgb, frame.width, frame.height));
    t.diagnostic(`YuNet 1280×720 whole frame: ${msWhole.toFixed(1)} ms/frame, ${whole.length} face(s): ${describeFaces(whole)}`);
    t.diagnostic(`YuNet 1280×720 with tiles: ${msTiled.toFixed(1)} ms/frame, ${tiled.length} face(s): ${describeFaces(tiled)}`);
  });
});

describe('SFace embedding', () => {
  let detector: FaceDetector;
  let embedder: FaceEmbedder;
  before(async () => {
    detector = await FaceDetector.load();
    embedder = await FaceEmbedder.load();
  });

  it('fits a similarity transform exactly when one exists', () => {
    const [s, angle, tx, ty] = [0.7, 0.4, 12.5, -3];
    const a = s * Math.cos(angle);
    const b = s * Math.sin(angle);
    const from: [number, number][] = [[10, 20], [50, 22], [30, 45], [15, 70], [48, 69]];
    const to = from.map(([x, y]) => [a * x - b * y + tx, b * x + a * y + ty] as [number, number]);
    const m = fitSimilarity(from, to);
    for (const [got, want] of m.map((v, i) => [v, [a, -b, tx, b, a, ty][i]!] as const)) assert.ok(Math.abs(got - want) < 1e-9, `${got} vs ${want}`);
  });

  it('cosineSimilarity: 1 for the same direction, 0 for orthogonal, −1 for opposite', () => {
    const x = new Float32Array([1, 2, 3]);
    assert.ok(Math.abs(cosineSimilarity(x, new Float32Array([2, 4, 6])) - 1) < 1e-6);
    assert.ok(Math.abs(cosineSimilarity(new Float32Array([1, 0]), new Float32Array([0, 3]))) < 1e-9);
    assert.ok(Math.abs(cosineSimilarity(x, new Float32Array([-1, -2, -3])) + 1) < 1e-6);
    assert.throws(() => cosineSimilarity(x, new Float32Array(2)), RangeError);
  });

  it('the same person (mirrored, half size, darker, brighter) is far more similar than different people', async (t) => {
    const variants: [string, string[], (w: number, h: number) => { width: number; height: number }][] = [
      ['original', [], (width, height) => ({ width, height })],
      ['mirrored', ['hflip'], (width, height) => ({ width, height })],
      ['half size', [], (width, height) => ({ width: Math.round(width / 2), height: Math.round(height / 2) })],
      ['darker', ['eq=brightness=-0.15:contrast=0.8'], (width, height) => ({ width, height })],
      ['brighter', ['eq=brightness=0.12'], (width, height) => ({ width, height })],
    ];
    const embeddings: { person: string; variant: string; faceSize: number; e: Float32Array }[] = [];
    for (const person of PERSONS) {
      const file = path.join(FACES, `${person}.jpg`);
      const { width, height } = await probeSize(file);
      for (const [variant, filters, size] of variants) {
        const frame = await readRgb(file, filters, size(width, height));
        const faces = await detector.detect(frame.rgb, frame.width, frame.height);
        assert.equal(faces.length, 1, `${person} ${variant}: ${describeFaces(faces)}`);
        const face = faces[0]!;
        const e = await embedder.embed(frame.rgb, frame.width, frame.height, face);
        if (person === 'custC' && variant === 'original') {
          const ms = await timeIt(10, () => embedder.embed(frame.rgb, frame.width, frame.height, face));
          t.diagnostic(`SFace: ${ms.toFixed(1)} ms/face (align ${Math.round(face.h)} px box to 112×112 + inference)`);
        }
        assert.equal(e.length, 128);
        let norm = 0;
        for (const v of e) norm += v * v;
        assert.ok(Math.abs(norm - 1) < 1e-4, `unit length, got ${norm}`);
        embeddings.push({ person, variant, faceSize: Math.round(Math.min(face.w, face.h)), e });
      }
    }
    const same: [number, string][] = [];
    const different: [number, string][] = [];
    for (let i = 0; i < embeddings.length; i++) {
      for (let j = i + 1; j < embeddings.length; j++) {
        const a = embeddings[i]!;
        const b = embeddings[j]!;
        const s = cosineSimilarity(a.e, b.e);
        const label = `${a.person} ${a.variant} ~ ${b.person} ${b.variant}`;
        (a.person === b.person ? same : different).push([s, label]);
      }
    }
    same.sort((x, y) => x[0] - y[0]);
    different.sort((x, y) => y[0] - x[0]);
    const mean = (xs: [number, string][]): number => xs.reduce((acc, [v]) => acc + v, 0) / xs.length;
    const sizes = embeddings.map((x) => x.faceSize);
    t.diagnostic(`SFace same person: min ${same[0]![0].toFixed(3)} (${same[0]![1]}), mean ${mean(same).toFixed(3)}, ${same.length} pairs`);
    t.diagnostic(`SFace different people: max ${different[0]![0].toFixed(3)} (${different[0]![1]}), mean ${mean(different).toFixed(3)}, ${different.length} pairs`);
    t.diagnostic(`face boxes ${Math.min(...sizes)}–${Math.max(...sizes)} px (shorter side)`);
    assert.ok(same[0]![0] >= 0.6, `same person at least 0.6: ${same[0]![1]} = ${same[0]![0]}`);
    assert.ok(different[0]![0] <= 0.3, `different people at most 0.3: ${different[0]![1]} = ${different[0]![0]}`);
    assert.ok(same[0]![0] > SIMILARITY.opencvSameIdentity && different[0]![0] < SIMILARITY.opencvSameIdentity);
    assert.ok(same[0]![0] >= SIMILARITY.measuredSameMin - 0.05 && different[0]![0] <= SIMILARITY.measuredDifferentMax + 0.05, 'the exported facts still hold');
  });

  it('the astronaut photo and its fixture crop are the same person', async () => {
    const full = await readRgb(skimagePicture(ASTRONAUT));
    const crop = await readRgb(path.join(FACES, 'agentA.jpg'));
    const [f1] = await detector.detect(full.rgb, full.width, full.height);
    const [f2] = await detector.detect(crop.rgb, crop.width, crop.height);
    assert.ok(f1 && f2);
    const s = cosineSimilarity(await embedder.embed(full.rgb, full.width, full.height, f1), await embedder.embed(crop.rgb, crop.width, crop.height, f2));
    assert.ok(s > 0.8, `astronaut vs agentA: ${s}`);
  });
});
