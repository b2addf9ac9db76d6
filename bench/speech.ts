// Benchmark: the speech analysis on generated recordings (Kokoro Mandarin, the standard script):
// transcription + verification time ÷ media duration and ÷ ffmpeg's bare decode of the audio.
//
//   npm run build && node dist/bench/speech.js [case…]      (default: compliant_onsite missing_cooling)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataDir } from '../lib/config';
import { runFfmpeg } from '../media/ffmpeg';
import { probeMedia } from '../media/probe';
import { CASES, generateCase, type CaseName } from '../fixtures/generate';
import { loadRulebook } from '../rules/load';
import { FasterWhisperEngine } from '../speech/faster-whisper';
import { analyseSpeechFile } from '../evidence/assemble-speech';
import { expectedSpeech } from '../speech/script';

async function main(): Promise<void> {
  const names = (process.argv.slice(2).length ? process.argv.slice(2) : ['compliant_onsite', 'missing_cooling']) as CaseName[];
  for (const n of names) if (!CASES.includes(n)) throw new Error(`unknown case ${n}`);
  const dir = path.join(dataDir(), 'bench-speech');
  fs.mkdirSync(dir, { recursive: true });
  const loadStarted = Date.now();
  const engine = await FasterWhisperEngine.load();
  process.stdout.write(`engine start (model load)  ${((Date.now() - loadStarted) / 1000).toFixed(1)} s\n`);
  const expected = expectedSpeech(loadRulebook().book);
  try {
    for (const name of names) {
      const g = await generateCase(name, dir, { height: 360 });
      const probe = await probeMedia(g.media);
      const duration = probe.ok ? (probe.facts.durationS ?? 0) : 0;
      let t = Date.now();
      await runFfmpeg(['-nostdin', '-v', 'error', '-i', g.media, '-map', '0:a:0', '-f', 'null', '-'], { ownFiles: true });
      const bareS = (Date.now() - t) / 1000;
      const meta = g.meta ? (JSON.parse(fs.readFileSync(g.meta, 'utf8')) as { agent?: { name?: string; licenceNo?: string } }) : {};
      t = Date.now();
      const ev = await analyseSpeechFile(g.media, true, path.join(dir, `${name}.pcm`), {
        recordingId: name,
        engine,
        expected,
        values: { licence: meta.agent?.licenceNo, agentName: meta.agent?.name },
        analyserVersion: 'bench',
      });
      const totalS = (Date.now() - t) / 1000;
      process.stdout.write(
        `${name.padEnd(18)} ${duration.toFixed(1)} s media, ${ev.speechS} s speech: speech analysis ${totalS.toFixed(1)} s ` +
          `(decode ${(ev.timing.decodeMs / 1000).toFixed(1)}, ASR ${(ev.timing.asrMs / 1000).toFixed(1)}, verify ${(ev.timing.verifyMs / 1000).toFixed(1)} s, ${ev.verification.length} scores, speakers ${((ev.timing.speakersMs ?? 0) / 1000).toFixed(1)} s) ` +
          `= ${(totalS / duration).toFixed(3)} × duration, ${(totalS / bareS).toFixed(1)} × bare audio decode (${bareS.toFixed(2)} s)\n`,
      );
    }
  } finally {
    await engine.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
