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
import { makeSeeds, MUTATIONS, mutantSource, mutate } from '../fixtures/mutate';

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
  // mulberry32: a run is repeatable from its seed.
  const r = mutantSource(args.seed);
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
    const { seed, applied, bytes: buf } = mutate(seeds, r);
    const name = applied[0]!;
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
