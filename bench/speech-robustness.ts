// Measurement (not a CI test; CI runs the robustness fixtures, test/integration/speech-robustness.test.ts):
// the speech analysis alone under noise and on robotic speech, for any generated case. For each case it
// mixes seeded white noise into the audio at 20, 10 and 0 dB SNR (speech power measured over the labelled
// utterances; fixtures/noise.ts) and, for compliant_onsite, renders the script's audio spoken by espeak-ng
// (fixtures/espeak.ts, as the `robotic` fixture does). It prints the character error rate against the
// labelled text (eval/cer.ts) and the speech rules' verdicts — a FAIL where the labels say PASS is a false
// FAIL, which must never happen (CANNOT_JUDGE is the honest answer when unsure).
//
//   npm run build && node dist/bench/speech-robustness.js FIXTURE_DIR [case…]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataDir } from '../lib/config';
import { labelsSchema, sidecarSchema } from '../lib/labelled';
import { runCheck } from '../judge/checks/run';
import { loadRulebook } from '../rules/load';
import { FasterWhisperEngine } from '../speech/faster-whisper';
import { analyseSpeechFile } from '../evidence/assemble-speech';
import { expectedSpeech } from '../speech/script';
import { characterErrorRate, timelineText } from '../eval/cer';
import { mixNoiseIntoAudio } from '../fixtures/noise';
import { renderAudio } from '../fixtures/render';
import { casePlan, isRobustnessCase, FIXTURES, type FixtureName } from '../fixtures/generate';

const SPEECH_CHECKS = new Set(['statement_said', 'no_misleading_talk', 'customer_answers']);
/** The noise seed of the bench (the fixtures have their own, fixtures/robustness.ts). */
const BENCH_SEED = 12345;

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
      if (!FIXTURES.includes(name as FixtureName) || isRobustnessCase(name)) throw new Error(`${name}: not a regular fixture case (the bench makes its own noisy and robotic variants)`);
      const labels = labelsSchema.parse(JSON.parse(fs.readFileSync(path.join(fixtures, `${name}.labels.json`), 'utf8')));
      const meta = sidecarSchema.parse(JSON.parse(fs.readFileSync(path.join(fixtures, `${name}.meta.json`), 'utf8')));
      const reference = timelineText(labels.speech);
      const media = path.join(fixtures, `${name}.mp4`);
      const variants: [string, () => Promise<string>][] = [
        ['clean', () => Promise.resolve(media)],
        ...[20, 10, 0].map((snrDb): [string, () => Promise<string>] => [`${snrDb} dB`, async () => {
          const out = path.join(dir, `${name}-${snrDb}dB.wav`);
          await mixNoiseIntoAudio(media, out, { sampleRate: 16000, spans: labels.speech, noise: { snrDb, seed: BENCH_SEED } });
          return out;
        }]),
        ...(name === 'compliant_onsite' ? [['espeak-ng', async () => {
          const out = path.join(dir, `${name}-espeak.wav`);
          await renderAudio({ ...casePlan(name), voice: 'espeak-ng' }, out);
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
          `${name.padEnd(17)} ${variant.padEnd(9)} CER ${((characterErrorRate(reference, timelineText(ev.segments)).cer ?? 0) * 100).toFixed(1).padStart(5)} %  quality ${ev.quality.status.padEnd(4)}  rules PASS ${counts.PASS} FAIL ${counts.FAIL} CJ ${counts.CANNOT_JUDGE}` +
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
