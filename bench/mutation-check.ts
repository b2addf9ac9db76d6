// A small mutation check: do the unit tests notice when a decision in the compiled code is turned around?
// It mutates the COMPILED JavaScript (no rebuild per mutant), one mutant at a time, in a copy of dist/ beside
// symlinks to the rest of the project (so a test or stack running from the real dist/ is never disturbed),
// runs the unit test files that guard that code with a timeout, and restores the file. A mutant is killed when
// the tests fail (or time out), survived when they pass.
//
// Mutation sites are found by pattern, not by file name (the judge is being split into judge/checks/*):
//   dist/judge/**/*.js            every 'FAIL' / 'CANNOT_JUDGE' literal → 'PASS'; in each function that
//                                 decides a verdict (its body has `verdict:`), each comparison >= → <, > → <=,
//                                 <= → >, < → >=
//   dist/lib/mask.js              each regex literal's quantifiers {n} → {n+1}, {n,} → {n+1,}, a [\dXx] check
//                                 character → \d, a look-around boundary dropped; each comparison turned round
//   dist/media/integrity/*.js     each numeric threshold (DEFAULT_* objects, top-level numeric consts) × 2 and
//                                 ÷ 2; each comparison on a line reading a threshold or config value turned round
// Tests: judge → dist/test/unit/judge*.test.js (with --with-importers also every unit test requiring a judge/
// module); mask → logger*.test.js, mask*.test.js and the unit tests that require lib/mask; integrity →
// integrity*.test.js. Equivalent mutants exist (e.g. a look-around that a greedy digit run never needs): read
// the survivors, not only the score.
//
//   npm run mutation                   (builds, then runs every mutant)
//   node dist/bench/mutation-check.js [--only judge|mask|integrity]… [--filter TEXT] [--timeout S] [--list]
//                                     [--with-importers]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../lib/config';

interface Mutant {
  /** dist-relative path of the mutated file. */
  file: string;
  line: number;
  what: string;
  /** Character range in the file's text, and its replacement. */
  start: number;
  end: number;
  replacement: string;
}

interface Target {
  name: 'judge' | 'mask' | 'integrity';
  files: string[];
  tests: string[];
  mutants: Mutant[];
}

const COMPARISON_FLIP: Record<string, string> = { '>=': '<', '>': '<=', '<=': '>', '<': '>=' };

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith('.js') ? [p] : [];
  });
}

/** Line starts, for reporting positions. */
function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** True when `index` lies in a comment or a string literal of its line (a rough scan, good for tsc output). */
function inCommentOrString(text: string, index: number): boolean {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  const before = text.slice(lineStart, index);
  const trimmed = before.trimStart();
  if (trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*')) return true;
  let quote: string | null = null;
  for (let i = 0; i < before.length; i++) {
    const c = before[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      else if (quote === '`' && c === '$' && before[i + 1] === '{') return false; // inside a template expression: code
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '/' && before[i + 1] === '/') return true;
  }
  return quote !== null;
}

/** [start, end) of each top-level `function name(…) {…}` whose body decides a verdict. */
function verdictFunctions(text: string): [number, number, string][] {
  const out: [number, number, string][] = [];
  const re = /^(?:async )?function\*? ?([A-Za-z0-9_$]+)\s*\(/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = text.indexOf('{', m.index + m[0].length);
    let depth = 0;
    let end = open;
    for (let i = open; i < text.length; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) {
        end = i + 1;
        break;
      }
    }
    if (/\bverdict:/.test(text.slice(open, end))) out.push([open, end, m[1]!]);
  }
  return out;
}

function comparisonMutants(file: string, text: string, from: number, to: number, where: string, lineFilter?: (line: string) => boolean): Mutant[] {
  const out: Mutant[] = [];
  const re = / (>=|<=|>|<) /g;
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    const at = m.index + 1;
    if (inCommentOrString(text, at)) continue;
    if (lineFilter) {
      const ls = text.lastIndexOf('\n', at) + 1;
      const le = text.indexOf('\n', at);
      if (!lineFilter(text.slice(ls, le < 0 ? undefined : le))) continue;
    }
    const op = m[1]!;
    out.push({ file, line: lineOf(text, at), what: `${where}: ${op} → ${COMPARISON_FLIP[op]}`, start: at, end: at + op.length, replacement: COMPARISON_FLIP[op]! });
  }
  return out;
}

function judgeMutants(file: string, text: string): Mutant[] {
  const out: Mutant[] = [];
  for (const m of text.matchAll(/'(FAIL|CANNOT_JUDGE)'/g)) {
    if (inCommentOrString(text, m.index)) continue;
    out.push({ file, line: lineOf(text, m.index), what: `'${m[1]}' → 'PASS'`, start: m.index, end: m.index + m[0].length, replacement: "'PASS'" });
  }
  for (const [from, to, name] of verdictFunctions(text)) out.push(...comparisonMutants(file, text, from, to, `in ${name}()`));
  return out.sort((a, b) => a.start - b.start);
}

function maskMutants(file: string, text: string): Mutant[] {
  const out: Mutant[] = [];
  // Regex literals assigned to constants: `const NAME = /…/flags;`
  for (const m of text.matchAll(/^const ([A-Z_]+) = (\/.+\/[a-z]*);$/gm)) {
    const name = m[1]!;
    const reStart = m.index + m[0].indexOf(m[2]!);
    const re = m[2]!;
    const add = (offset: number, length: number, replacement: string, what: string) =>
      out.push({ file, line: lineOf(text, reStart), what: `${name}: ${what}`, start: reStart + offset, end: reStart + offset + length, replacement });
    for (const q of re.matchAll(/\{(\d+)(,?)\}/g)) add(q.index, q[0].length, `{${Number(q[1]) + 1}${q[2]}}`, `${q[0]} → {${Number(q[1]) + 1}${q[2]}}`);
    for (const c of re.matchAll(/\[\\dXx\]/g)) add(c.index, c[0].length, '\\d', `${c[0]} → \\d (no X check character)`);
    for (const b of re.matchAll(/\(\?<?[!=][^()]*\)/g)) add(b.index, b[0].length, '', `boundary ${b[0]} dropped`);
  }
  out.push(...comparisonMutants(file, text, 0, text.length, 'comparison'));
  return out.sort((a, b) => a.start - b.start);
}

function integrityMutants(file: string, text: string): Mutant[] {
  const out: Mutant[] = [];
  const numbers: { at: number; value: string; name: string }[] = [];
  // DEFAULT_* objects (one per line or inline) and top-level numeric constants.
  for (const obj of text.matchAll(/exports\.(DEFAULT_[A-Z_]+) = \{([^}]*)\}/g)) {
    const bodyStart = obj.index + obj[0].indexOf('{') + 1;
    for (const p of obj[2]!.matchAll(/([A-Za-z0-9_]+): (-?\d+(?:\.\d+)?)/g)) numbers.push({ at: bodyStart + p.index + p[0].length - p[2]!.length, value: p[2]!, name: `${obj[1]}.${p[1]}` });
  }
  for (const c of text.matchAll(/^const ([A-Z_]+) = (-?\d+(?:\.\d+)?);$/gm)) numbers.push({ at: c.index + c[0].length - 1 - c[2]!.length, value: c[2]!, name: c[1]! });
  for (const n of numbers) {
    const v = Number(n.value);
    for (const [label, next] of [['× 2', v * 2], ['÷ 2', v / 2]] as const) {
      out.push({ file, line: lineOf(text, n.at), what: `${n.name} ${n.value} ${label} = ${next}`, start: n.at, end: n.at + n.value.length, replacement: String(next) });
    }
  }
  const names = numbers.map((n) => n.name.split('.').pop()!);
  const readsThreshold = (line: string) => /\b(thresholds|config)\.[A-Za-z]/.test(line) || names.some((n) => new RegExp(`\\b${n}\\b`).test(line));
  out.push(...comparisonMutants(file, text, 0, text.length, 'threshold comparison', readsThreshold));
  return out.sort((a, b) => a.start - b.start);
}

/** Unit test files (dist-relative) whose name matches, or that require a module under one of `prefixes` directly. */
function unitTests(dist: string, name: RegExp, prefixes: string[] = []): string[] {
  const dir = path.join(dist, 'test', 'unit');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .filter((f) => {
      if (name.test(f)) return true;
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      return prefixes.some((m) => text.includes(`require("../../${m}`));
    })
    .map((f) => path.join('test', 'unit', f))
    .sort();
}

function runTests(root: string, tests: string[], timeoutMs: number): Promise<{ passed: boolean; timedOut: boolean; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...tests.map((t) => path.join('dist', t))], {
      cwd: root,
      stdio: 'ignore',
      detached: true,
      env: { ...process.env, DUALQA_LOG_LEVEL: 'silent' },
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ passed: code === 0 && !timedOut, timedOut, ms: Date.now() - started });
    });
  });
}

/** A throw-away project root: the real project's entries as symlinks, and a copy of dist/ to mutate. */
function scratchRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-mutation-'));
  for (const entry of fs.readdirSync(PROJECT_ROOT)) {
    if (entry === 'dist' || entry === '.git' || entry === 'out') continue;
    fs.symlinkSync(path.join(PROJECT_ROOT, entry), path.join(root, entry));
  }
  fs.cpSync(path.join(PROJECT_ROOT, 'dist'), path.join(root, 'dist'), { recursive: true });
  return root;
}

function parseArgs(argv: string[]): { only: Set<string>; filter?: string; timeoutMs: number; list: boolean; importers: boolean } {
  const only = new Set<string>();
  let filter: string | undefined;
  let timeoutMs = 180_000;
  let list = false;
  let importers = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--only') only.add(argv[++i] ?? '');
    else if (a === '--filter') filter = argv[++i];
    else if (a === '--timeout') timeoutMs = Number(argv[++i]) * 1000;
    else if (a === '--list') list = true;
    else if (a === '--with-importers') importers = true;
    else throw new Error(`unknown argument ${a} (see the header of bench/mutation-check.ts)`);
  }
  return { only, ...(filter ? { filter } : {}), timeoutMs, list, importers };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dist = path.join(PROJECT_ROOT, 'dist');
  const rel = (f: string) => path.relative(dist, f);
  const read = (f: string) => fs.readFileSync(path.join(dist, f), 'utf8');
  const targets: Target[] = [];
  const judgeFiles = walk(path.join(dist, 'judge')).map(rel);
  const judgeTests = unitTests(dist, /^judge.*\.test\.js$/, args.importers ? ['judge/'] : []);
  targets.push({ name: 'judge', files: judgeFiles, tests: judgeTests, mutants: judgeFiles.flatMap((f) => judgeMutants(f, read(f))) });
  const maskFiles = ['lib/mask.js'].filter((f) => fs.existsSync(path.join(dist, f)));
  targets.push({ name: 'mask', files: maskFiles, tests: unitTests(dist, /^(logger|mask).*\.test\.js$/, ['lib/mask"']), mutants: maskFiles.flatMap((f) => maskMutants(f, read(f))) });
  const integrityFiles = walk(path.join(dist, 'media', 'integrity')).map(rel);
  targets.push({ name: 'integrity', files: integrityFiles, tests: unitTests(dist, /^integrity.*\.test\.js$/), mutants: integrityFiles.flatMap((f) => integrityMutants(f, read(f))) });

  const chosen = targets
    .filter((t) => args.only.size === 0 || args.only.has(t.name))
    .map((t) => ({ ...t, mutants: t.mutants.filter((m) => !args.filter || `${m.file}:${m.line} ${m.what}`.includes(args.filter)) }));
  for (const t of chosen) {
    process.stdout.write(`${t.name}: ${t.mutants.length} mutants in ${t.files.length} files; tests ${t.tests.join(' ') || '(none found)'}\n`);
    if (args.list) for (const m of t.mutants) process.stdout.write(`  ${m.file}:${m.line} ${m.what}\n`);
    if (t.mutants.length > 0 && t.tests.length === 0) throw new Error(`${t.name}: mutants but no test files`);
  }
  if (args.list) return;

  const root = scratchRoot();
  const cleanup = () => fs.rmSync(root, { recursive: true, force: true });
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  const perFile = new Map<string, { killed: number; survived: number }>();
  const survivors: string[] = [];
  let killed = 0;
  let total = 0;
  try {
    for (const t of chosen) {
      if (t.mutants.length === 0) continue;
      const baseline = await runTests(root, t.tests, args.timeoutMs);
      if (!baseline.passed) throw new Error(`${t.name}: the tests fail without any mutant (${baseline.timedOut ? 'timed out' : 'failed'}): fix them first`);
      process.stdout.write(`${t.name}: baseline passes in ${(baseline.ms / 1000).toFixed(1)} s\n`);
      for (const [i, m] of t.mutants.entries()) {
        const file = path.join(root, 'dist', m.file);
        const original = fs.readFileSync(file, 'utf8');
        fs.writeFileSync(file, original.slice(0, m.start) + m.replacement + original.slice(m.end));
        let outcome;
        try {
          outcome = await runTests(root, t.tests, args.timeoutMs);
        } finally {
          fs.writeFileSync(file, original);
        }
        const stats = perFile.get(m.file) ?? { killed: 0, survived: 0 };
        total++;
        if (outcome.passed) {
          stats.survived++;
          survivors.push(`${m.file}:${m.line} ${m.what}`);
        } else {
          stats.killed++;
          killed++;
        }
        perFile.set(m.file, stats);
        process.stdout.write(`  [${t.name} ${i + 1}/${t.mutants.length}] ${outcome.passed ? 'SURVIVED' : outcome.timedOut ? 'killed (timeout)' : 'killed'}  ${m.file}:${m.line} ${m.what}\n`);
      }
    }
  } finally {
    cleanup();
  }
  process.stdout.write('\nper file            killed  survived\n');
  for (const [file, s] of [...perFile].sort()) process.stdout.write(`${file.padEnd(36)} ${String(s.killed).padStart(4)}  ${String(s.survived).padStart(6)}\n`);
  process.stdout.write(`\nmutation score: ${killed}/${total} killed (${total ? ((100 * killed) / total).toFixed(1) : '—'} %)\n`);
  if (survivors.length) process.stdout.write(`survivors:\n  ${survivors.join('\n  ')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
