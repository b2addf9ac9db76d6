// A small media fuzzer (#18): mutates small recordings (truncated, bytes flipped, ranges zeroed, boxes swapped,
// sizes and counts declared huge, ranges duplicated) and runs the media probe and the integrity analysis on
// each (analyseMediaFile: probe, packet timestamps, the one decode, the detectors) with a time limit. Every
// outcome is one of:
//   report    — the file was analysed: integrity evidence (readable), the workflow goes on to a report
//   refused   — the file is unreadable: integrity evidence with the problem, then a non-retryable BadMedia
//   crash     — analyseMediaFile threw (the activity would fail and be retried), or its evidence is not
//               JSON-clean (a NaN or Infinity would break report.json)
//   hang      — no answer within the limit (the case is cancelled; "stuck" if it does not stop when cancelled)
// The product must never crash or hang. Inputs that did are kept in the output folder for replay.
//
//   npm run build && node dist/bench/fuzz-media.js [--minutes 3] [--seed 1] [--timeout 120] [--out DIR] [FILE…]
//   node dist/bench/fuzz-media.js --replay FILE…      (each file once, unmutated)
// Without FILEs it makes its own seeds with ffmpeg's generators: MP4 (index at the end and at the start),
// fragmented MP4, Matroska, WebM, FLV, MPEG-TS, AVI (MJPEG + PCM), MP3; 4 s, 160×90.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyseMediaFile } from '../evidence/assemble-media';
import { runFfmpeg } from '../media/ffmpeg';

type Outcome = 'report' | 'refused' | 'crash' | 'hang' | 'stuck';

interface Args {
  minutes: number;
  seed: number;
  timeoutS: number;
  out: string;
  files: string[];
  replay: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { minutes: 3, seed: 1, timeoutS: 120, out: path.join(os.tmpdir(), 'dualqa-fuzz'), files: [], replay: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    if (v === '--minutes') a.minutes = Number(argv[++i]);
    else if (v === '--seed') a.seed = Number(argv[++i]);
    else if (v === '--timeout') a.timeoutS = Number(argv[++i]);
    else if (v === '--out') a.out = argv[++i]!;
    else if (v === '--replay') a.replay = true;
    else a.files.push(v);
  }
  return a;
}

/** A small deterministic generator (mulberry32): a run is repeatable from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS: [string, string[]][] = [
  ['moov-end.mp4', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '20', '-c:a', 'aac', '-b:a', '32k']],
  ['faststart.mp4', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '20', '-c:a', 'aac', '-b:a', '32k', '-movflags', '+faststart']],
  ['fragmented.mp4', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '20', '-c:a', 'aac', '-b:a', '32k', '-movflags', '+frag_keyframe+empty_moov']],
  ['h264.mkv', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '20', '-c:a', 'aac', '-b:a', '32k']],
  ['vp8.webm', ['-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '100k', '-c:a', 'libvorbis']],
  ['flash.flv', ['-c:v', 'flv', '-c:a', 'aac', '-ar', '44100', '-b:a', '32k']],
  ['stream.ts', ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '20', '-c:a', 'aac', '-b:a', '32k', '-f', 'mpegts']],
  ['mjpeg.avi', ['-c:v', 'mjpeg', '-q:v', '8', '-c:a', 'pcm_s16le', '-ar', '16000']],
  ['voice.mp3', ['-vn', '-c:a', 'libmp3lame', '-b:a', '32k']],
];

async function makeSeeds(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const [name, codec] of SEEDS) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) {
      await runFfmpeg(['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=15:duration=4', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=4', ...codec, file]);
    }
    files.push(file);
  }
  return files;
}

// ISO-BMFF boxes: the ones holding other boxes, and the sample tables whose entry count follows version+flags.
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'udta', 'mvex', 'moof', 'traf', 'mfra']);
const TABLES = new Set(['stsz', 'stco', 'co64', 'stts', 'stsc', 'stss', 'ctts', 'elst', 'trun', 'dref', 'stsd']);

interface Box {
  type: string;
  start: number;
  size: number;
  depth: number;
}

function boxes(buf: Buffer, start = 0, end = buf.length, depth = 0, out: Box[] = []): Box[] {
  let at = start;
  while (at + 8 <= end && out.length < 5000) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (!/^[a-z0-9 ]{4}$/i.test(type)) break;
    if (size === 1 && at + 16 <= end) size = Number(buf.readBigUInt64BE(at + 8));
    if (size === 0) size = end - at;
    if (size < 8 || at + size > end) break;
    out.push({ type, start: at, size, depth });
    if (CONTAINERS.has(type)) boxes(buf, at + 8, at + size, depth + 1, out);
    at += size;
  }
  return out;
}

type Mutation = (buf: Buffer, r: () => number) => Buffer;
const pick = <T>(list: readonly T[], r: () => number): T => list[Math.floor(r() * list.length)]!;
const int = (r: () => number, n: number): number => Math.floor(r() * n);

const xor = (b: Buffer, at: number, mask: number): void => {
  b[at] = (b[at] ?? 0) ^ mask;
};

const MUTATIONS: Record<string, Mutation> = {
  truncate: (b, r) => b.subarray(0, 1 + int(r, b.length - 1)),
  flip: (b, r) => {
    const out = Buffer.from(b);
    const n = 1 + int(r, 64);
    for (let i = 0; i < n; i++) xor(out, int(r, out.length), 1 + int(r, 255));
    return out;
  },
  flipHeader: (b, r) => {
    // The first 4 KB hold the headers (and, in a faststart MP4, the index) of every seed.
    const out = Buffer.from(b);
    const n = 1 + int(r, 8);
    for (let i = 0; i < n; i++) xor(out, int(r, Math.min(4096, out.length)), 1 + int(r, 255));
    return out;
  },
  zeroRange: (b, r) => {
    const out = Buffer.from(b);
    const from = int(r, out.length);
    out.fill(0, from, Math.min(out.length, from + 1 + int(r, Math.max(1, out.length / 8))));
    return out;
  },
  noiseMiddle: (b, r) => {
    const out = Buffer.from(b);
    const len = Math.min(out.length, 1000 + int(r, 30_000));
    const from = Math.floor(out.length * (0.3 + 0.4 * r()));
    for (let i = from; i < Math.min(out.length, from + len); i++) out[i] = int(r, 256);
    return out;
  },
  duplicateRange: (b, r) => {
    const from = int(r, b.length);
    const len = 1 + int(r, Math.max(1, b.length / 10));
    const at = int(r, b.length);
    return Buffer.concat([b.subarray(0, at), b.subarray(from, from + len), b.subarray(at)]);
  },
  swapBoxes: (b, r) => {
    const all = boxes(b);
    // Siblings: same depth and same parent (consecutive runs at one depth).
    const groups = new Map<string, Box[]>();
    for (const box of all) {
      const parent = all.filter((p) => p.depth === box.depth - 1 && p.start < box.start && box.start < p.start + p.size).pop();
      const key = `${box.depth}:${parent?.start ?? -1}`;
      groups.set(key, [...(groups.get(key) ?? []), box]);
    }
    const usable = [...groups.values()].filter((g) => g.length >= 2);
    if (!usable.length) return MUTATIONS.duplicateRange!(b, r);
    const group = pick(usable, r);
    const i = int(r, group.length);
    let j = int(r, group.length - 1);
    if (j >= i) j++;
    const [x, y] = [group[Math.min(i, j)]!, group[Math.max(i, j)]!];
    return Buffer.concat([
      b.subarray(0, x.start),
      b.subarray(y.start, y.start + y.size),
      b.subarray(x.start + x.size, y.start),
      b.subarray(x.start, x.start + x.size),
      b.subarray(y.start + y.size),
    ]);
  },
  hugeSize: (b, r) => {
    const out = Buffer.from(b);
    const all = boxes(out);
    if (!all.length) {
      // Not ISO-BMFF: all-ones over a few header bytes (EBML, FLV and AVI sizes live there).
      const at = int(r, Math.min(512, out.length));
      out.fill(0xff, at, Math.min(out.length, at + 1 + int(r, 8)));
      return out;
    }
    const box = pick(all, r);
    const how = int(r, 3);
    if (how === 0) out.writeUInt32BE(0xfffffff0, box.start);
    else if (how === 1) out.writeUInt32BE(pick([0, 1, 7, box.size + 1, box.size * 64], r) >>> 0, box.start);
    else {
      const tables = all.filter((t) => TABLES.has(t.type) && t.size >= 16);
      const table = tables.length ? pick(tables, r) : box;
      if (table.start + 16 <= out.length) out.writeUInt32BE(pick([0x7fffffff, 0xffffffff, 0x10000000], r), table.start + 12);
    }
    return out;
  },
};

interface CaseResult {
  outcome: Outcome;
  ms: number;
  what: string;
}

function nonFinite(value: unknown, where = ''): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : where || '(root)';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = nonFinite(value[i], `${where}[${i}]`);
      if (bad) return bad;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const bad = nonFinite(v, where ? `${where}.${k}` : k);
      if (bad) return bad;
    }
  }
  return null;
}

async function runCase(file: string, timeoutS: number): Promise<CaseResult> {
  const started = Date.now();
  const abort = new AbortController();
  const work = analyseMediaFile(file, { recordingId: 'fuzz', signal: abort.signal }).then(
    (a) => ({ ok: true as const, a }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutS * 1000)));
  const first = await Promise.race([work, limit]);
  clearTimeout(timer);
  const ms = Date.now() - started;
  if (first === 'timeout') {
    abort.abort();
    const after = await Promise.race([work, new Promise<'stuck'>((resolve) => setTimeout(() => resolve('stuck'), 10_000))]);
    return after === 'stuck' ? { outcome: 'stuck', ms, what: 'did not stop within 10 s of being cancelled' } : { outcome: 'hang', ms, what: `no answer within ${timeoutS} s` };
  }
  if (!first.ok) {
    const err = first.err;
    return { outcome: 'crash', ms, what: err instanceof Error ? `${err.name}: ${err.message.slice(0, 200)}` : String(err).slice(0, 200) };
  }
  const ev = first.a.integrity;
  const bad = nonFinite(ev);
  if (bad) return { outcome: 'crash', ms, what: `evidence holds a non-finite number at ${bad}` };
  if (!ev.readable) return { outcome: 'refused', ms, what: ev.problem?.message.slice(0, 160) ?? 'unreadable' };
  const types = [...new Set(ev.defects.map((d) => d.type))].join(',') || 'no defects';
  return { outcome: 'report', ms, what: types };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  fs.mkdirSync(args.out, { recursive: true });
  const seedDir = path.join(args.out, 'seeds');
  fs.mkdirSync(seedDir, { recursive: true });
  if (args.replay) {
    for (const file of args.files) {
      const res = await runCase(path.resolve(file), args.timeoutS);
      console.log(`${res.outcome.padEnd(8)} ${String(res.ms).padStart(6)} ms  ${path.basename(file)}  ${res.what}`);
    }
    return;
  }
  const seeds = args.files.length ? args.files.map((f) => path.resolve(f)) : await makeSeeds(seedDir);
  const r = rng(args.seed);
  const deadline = Date.now() + args.minutes * 60_000;
  const counts = new Map<string, Record<Outcome, number>>();
  const examples: string[] = [];
  const work = path.join(args.out, 'work');
  fs.mkdirSync(work, { recursive: true });
  const keep = path.join(args.out, 'kept');
  fs.mkdirSync(keep, { recursive: true });
  let n = 0;
  let slowest = 0;
  const slow: { ms: number; what: string }[] = [];
  const names = Object.keys(MUTATIONS);
  console.log(`fuzz: ${seeds.length} seeds, ${names.length} mutations, seed ${args.seed}, ${args.minutes} min, ${args.timeoutS} s per case; out ${args.out}`);
  while (Date.now() < deadline) {
    const seed = pick(seeds, r);
    const name = pick(names, r);
    // One to three mutations stacked.
    let buf: Buffer = fs.readFileSync(seed);
    const applied = [name];
    buf = MUTATIONS[name]!(buf, r);
    while (r() < 0.3 && applied.length < 3) {
      const more = pick(names, r);
      applied.push(more);
      if (buf.length > 0) buf = MUTATIONS[more]!(buf, r);
    }
    const file = path.join(work, `case${path.extname(seed)}`);
    fs.writeFileSync(file, buf);
    const res = await runCase(file, args.timeoutS);
    n++;
    slowest = Math.max(slowest, res.ms);
    slow.push({ ms: res.ms, what: `${applied.join('+')} on ${path.basename(seed)}: ${res.outcome}, ${res.what}` });
    slow.sort((a, b) => b.ms - a.ms).splice(5);
    const key = name;
    const row = counts.get(key) ?? { report: 0, refused: 0, crash: 0, hang: 0, stuck: 0 };
    row[res.outcome]++;
    counts.set(key, row);
    if (res.outcome !== 'report' && res.outcome !== 'refused') {
      const kept = path.join(keep, `${String(n).padStart(5, '0')}-${applied.join('+')}-${path.basename(seed)}`);
      fs.copyFileSync(file, kept);
      examples.push(`${res.outcome}: ${path.basename(kept)} (${res.ms} ms): ${res.what}`);
      console.log(`  ${examples[examples.length - 1]}`);
    }
    if (n % 50 === 0) console.log(`  … ${n} cases`);
    if (res.outcome === 'stuck') break; // the process holds a decoder it cannot stop: stop here
  }
  const total: Record<Outcome, number> = { report: 0, refused: 0, crash: 0, hang: 0, stuck: 0 };
  console.log(`\n${'mutation'.padEnd(16)} ${'report'.padStart(7)} ${'refused'.padStart(8)} ${'crash'.padStart(6)} ${'hang'.padStart(5)} ${'stuck'.padStart(6)}`);
  for (const [key, row] of [...counts.entries()].sort()) {
    console.log(`${key.padEnd(16)} ${String(row.report).padStart(7)} ${String(row.refused).padStart(8)} ${String(row.crash).padStart(6)} ${String(row.hang).padStart(5)} ${String(row.stuck).padStart(6)}`);
    for (const k of Object.keys(total) as Outcome[]) total[k] += row[k];
  }
  console.log(`${'total'.padEnd(16)} ${String(total.report).padStart(7)} ${String(total.refused).padStart(8)} ${String(total.crash).padStart(6)} ${String(total.hang).padStart(5)} ${String(total.stuck).padStart(6)}`);
  console.log(`${n} cases; slowest ${(slowest / 1000).toFixed(1)} s; kept inputs in ${keep}`);
  for (const s of slow) console.log(`  ${(s.ms / 1000).toFixed(1)} s  ${s.what.slice(0, 160)}`);
  if (total.crash + total.hang + total.stuck > 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
