// Measurement (not a CI test): the speech analysis under noise and on robotic speech. For each generated
// case it mixes white noise into the audio at 20, 10 and 0 dB SNR (speech power measured over the labelled
// utterances), and it speaks the compliant script with espeak-ng (Mandarin pinyin voice). It prints the
// character error rate against the labelled text and the speech rules' verdicts — a FAIL where the labels
// say PASS is a false FAIL, which must never happen (CANNOT_JUDGE is the honest answer when unsure).
//
//   npm run build && node dist/bench/speech-robustness.js FIXTURE_DIR [case…]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pinyin } from 'pinyin-pro';
import { dataDir } from '../lib/config';
import { labelsSchema, sidecarSchema, type Labels } from '../lib/labelled';
import { runFfmpeg } from '../media/ffmpeg';
import { runCheck } from '../judge/checks';
import { loadRulebook } from '../rules/load';
import { FasterWhisperEngine } from '../speech/faster-whisper';
import { analyseSpeechFile } from '../speech/analyse';
import { expectedSpeech } from '../speech/script';
import { normalizeForMatch } from '../speech/normalize';
import type { SpeechEvidence } from '../lib/evidence';

const SPEECH_CHECKS = new Set(['statement_said', 'no_misleading_talk', 'customer_answers']);

function editDistance(a: string[], b: string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function cer(reference: string, ev: SpeechEvidence): number {
  const ref = [...normalizeForMatch(reference)];
  const hyp = [...normalizeForMatch(ev.segments.map((s) => s.text).join(''))].filter((c) => c !== '*');
  return ref.length ? editDistance(ref, hyp) / ref.length : 0;
}

/** Adds white noise at `snrDb` below the power of the labelled speech; returns a 16 kHz mono WAV. */
async function noisy(media: string, labels: Labels, snrDb: number, out: string): Promise<void> {
  const pcm = `${out}.pcm`;
  await runFfmpeg(['-v', 'error', '-i', media, '-map', '0:a:0', '-ac', '1', '-ar', '16000', '-f', 's16le', '-y', pcm]);
  const buf = fs.readFileSync(pcm);
  const x = new Int16Array(buf.buffer, buf.byteOffset, buf.length / 2);
  let power = 0;
  let n = 0;
  for (const s of labels.speech) {
    for (let i = Math.floor(s.from * 16000); i < Math.min(x.length, s.to * 16000); i++) {
      power += (x[i] ?? 0) ** 2;
      n++;
    }
  }
  const noiseRms = Math.sqrt(power / Math.max(1, n) / 10 ** (snrDb / 10));
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < x.length; i++) {
    // Box–Muller: Gaussian white noise, fixed seed so runs compare.
    const g = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    x[i] = Math.max(-32768, Math.min(32767, Math.round((x[i] ?? 0) + g * noiseRms)));
  }
  fs.writeFileSync(pcm, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
  await runFfmpeg(['-v', 'error', '-f', 's16le', '-ar', '16000', '-ac', '1', '-i', pcm, '-y', out]);
  fs.rmSync(pcm);
}

/** The labelled utterances spoken by espeak-ng's Mandarin pinyin voice, with the labelled pauses. */
async function robotic(labels: Labels, out: string, dir: string): Promise<void> {
  const parts: string[] = [];
  let t = 0;
  labels.speech.forEach((s, i) => {
    const gap = path.join(dir, `gap-${i}.wav`);
    const wav = path.join(dir, `say-${i}.wav`);
    execFileSync('espeak-ng', ['-v', 'cmn-latn-pinyin', '-s', '150', '-w', wav, pinyin(normalizeForMatch(s.text), { toneType: 'num', separator: ' ' })]);
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'anullsrc=r=22050:cl=mono', '-t', String(Math.max(0.3, s.from - t)), '-y', gap]);
    parts.push(gap, wav);
    t = s.to;
  });
  fs.writeFileSync(path.join(dir, 'list.txt'), parts.map((p) => `file '${p}'`).join('\n'));
  await runFfmpeg(['-v', 'error', '-f', 'concat', '-safe', '0', '-i', path.join(dir, 'list.txt'), '-ar', '16000', '-ac', '1', '-y', out]);
}

async function main(): Promise<void> {
  const [fixtures, ...names] = process.argv.slice(2);
  if (!fixtures) throw new Error('usage: speech-robustness FIXTURE_DIR [case…]');
  const cases = names.length ? names : ['compliant_onsite', 'compliant_remote', 'missing_cooling', 'misleading_talk', 'mumbled_answer'];
  const dir = path.join(dataDir(), 'bench-speech-robustness');
  fs.mkdirSync(dir, { recursive: true });
  const engine = await FasterWhisperEngine.load();
  const book = loadRulebook().book;
  const expected = expectedSpeech(book);
  try {
    for (const name of cases) {
      const labels = labelsSchema.parse(JSON.parse(fs.readFileSync(path.join(fixtures, `${name}.labels.json`), 'utf8')));
      const meta = sidecarSchema.parse(JSON.parse(fs.readFileSync(path.join(fixtures, `${name}.meta.json`), 'utf8')));
      const reference = labels.speech.map((s) => s.text).join('');
      const variants: [string, () => Promise<string>][] = [
        ['clean', () => Promise.resolve(path.join(fixtures, `${name}.mp4`))],
        ...[20, 10, 0].map((snr): [string, () => Promise<string>] => [`${snr} dB`, async () => {
          const out = path.join(dir, `${name}-${snr}dB.wav`);
          await noisy(path.join(fixtures, `${name}.mp4`), labels, snr, out);
          return out;
        }]),
        ...(name === 'compliant_onsite' ? [['espeak-ng', async () => {
          const out = path.join(dir, `${name}-espeak.wav`);
          await robotic(labels, out, dir);
          return out;
        }] as [string, () => Promise<string>]] : []),
      ];
      for (const [variant, make] of variants) {
        const file = await make();
        const t = Date.now();
        const ev = await analyseSpeechFile(file, true, path.join(dir, 'audio.pcm'), { recordingId: name, engine, expected, values: { licence: meta.agent?.licenceNo, agentName: meta.agent?.name }, analyserVersion: 'bench' });
        const counts = { PASS: 0, FAIL: 0, CANNOT_JUDGE: 0 };
        const falseFails: string[] = [];
        const fails: string[] = [];
        for (const [stepId, step] of Object.entries(book.steps)) {
          for (const rule of step.rules) {
            if (!SPEECH_CHECKS.has(rule.check)) continue;
            // Faces are another analyser's: judge speech alone (the faces part is left out here).
            const o = runCheck({ ...rule, ...('faces' in rule ? { faces: undefined } : {}) }, { speech: ev, ingest: { sidecar: { status: 'ok', meta } } as never });
            counts[o.verdict]++;
            if (o.verdict === 'FAIL') {
              fails.push(rule.id);
              if (labels.steps[stepId as keyof typeof labels.steps] === 'PASS') falseFails.push(rule.id);
            }
          }
        }
        process.stdout.write(
          `${name.padEnd(17)} ${variant.padEnd(9)} CER ${(cer(reference, ev) * 100).toFixed(1).padStart(5)} %  quality ${ev.quality.status.padEnd(4)}  rules PASS ${counts.PASS} FAIL ${counts.FAIL} CJ ${counts.CANNOT_JUDGE}` +
            `  fails [${fails.join(' ')}]  false FAIL ${falseFails.length ? falseFails.join(' ') : 0}  (${((Date.now() - t) / 1000).toFixed(0)} s)\n`,
        );
      }
    }
  } finally {
    await engine.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
