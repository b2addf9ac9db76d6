// A hung speech engine is detected (issue 18 item 5): the real spawning and request code of
// speech/faster-whisper.ts drives a stand-in engine process that speaks the line protocol but never answers
// a request whose audio file is named "hang". With DUALQA_SPEECH_TIMEOUT_SCALE shrinking the bound to about
// a second, the request must reject with EngineTimeout within it, the hung process must be gone (no orphan),
// and the next request must be answered by a restarted engine, after a second timeout too.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EngineTimeout, FasterWhisperEngine, requestTimeoutMs } from '../../speech/faster-whisper';
import { tempDir } from '../helpers/media';
import { pidExists } from '../helpers/process';

const SCALE = 0.01; // 120 s → 1.2 s, plus 3 s per audio second → 0.03 s
const root = tempDir('dualqa-engine-timeout-');
const pidFile = path.join(root, 'pids');

/** The stand-in: ready at once, answers every request but one on an audio file named "hang", records its pid. */
const FAKE_ENGINE = `#!${process.execPath}
const fs = require('node:fs');
fs.appendFileSync(${JSON.stringify(pidFile)}, process.pid + '\\n');
process.stdout.write(JSON.stringify({ id: 0, ok: true }) + '\\n');
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line);
  if (String(req.pcm).includes('hang')) return; // hung: reads the request, never answers
  process.stdout.write(JSON.stringify({ id: req.id, ok: true, language: 'zh', durationS: 1, segments: [] }) + '\\n');
});
setInterval(() => undefined, 60_000);
`;

function pids(): number[] {
  return fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
}


async function gone(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!pidExists(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !pidExists(pid);
}

describe('speech engine request timeout (stand-in engine process, real spawning code)', { timeout: 30_000 }, () => {
  let engine: FasterWhisperEngine;
  let scaleBefore: string | undefined;
  const hang = path.join(root, 'hang.pcm');
  const fine = path.join(root, 'fine.pcm');

  before(async () => {
    scaleBefore = process.env.DUALQA_SPEECH_TIMEOUT_SCALE;
    process.env.DUALQA_SPEECH_TIMEOUT_SCALE = String(SCALE);
    const fake = path.join(root, 'fake-engine.cjs');
    fs.writeFileSync(fake, FAKE_ENGINE, { mode: 0o755 });
    fs.writeFileSync(hang, Buffer.alloc(32_000)); // 1 s of 16 kHz 16-bit silence
    fs.writeFileSync(fine, Buffer.alloc(32_000));
    engine = await FasterWhisperEngine.load({ python: fake });
  });

  after(async () => {
    await engine?.close();
    for (const pid of pids()) if (pidExists(pid)) process.kill(pid, 'SIGKILL');
    if (scaleBefore === undefined) delete process.env.DUALQA_SPEECH_TIMEOUT_SCALE;
    else process.env.DUALQA_SPEECH_TIMEOUT_SCALE = scaleBefore;
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('the bound is scaled by the environment', () => {
    assert.equal(requestTimeoutMs(hang, 0), Math.round((120_000 + 3000) * SCALE));
    assert.equal(requestTimeoutMs(hang, 2), Math.round((120_000 + 3000 + 20_000) * SCALE));
  });

  it('a request the engine never answers rejects within the bound, the engine is killed, the next request restarts it', async () => {
    assert.equal((await engine.transcribe(fine)).segments.length, 0, 'the stand-in answers');
    const bound = requestTimeoutMs(hang, 0);
    for (const round of [1, 2]) {
      const [hung] = pids().slice(-1);
      assert.ok(hung !== undefined && pidExists(hung), `round ${round}: an engine is running`);
      const started = Date.now();
      await assert.rejects(engine.transcribe(hang), (err: Error) => {
        assert.ok(err instanceof EngineTimeout, `${err.name}: ${err.message}`);
        assert.match(err.message, /no answer to 'transcribe' within 1 s; it was killed/);
        return true;
      });
      const took = Date.now() - started;
      assert.ok(took >= bound - 50 && took < bound + 3000, `round ${round}: rejected after ${took} ms, bound ${bound} ms`);
      assert.ok(await gone(hung, 3000), `round ${round}: the hung engine ${hung} is still running`);
      // The next request starts a new engine and is answered.
      assert.deepEqual((await engine.transcribe(fine)).segments, []);
      assert.equal(pids().length, round + 1, `round ${round}: one restart`);
      assert.ok(pidExists(pids().at(-1)!), 'the restarted engine runs');
    }
  });
});
