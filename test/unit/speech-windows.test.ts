// The speech engine's windows for long audio (speech/py/asr_server.py): contiguous, bounded, cut in
// silence; audio up to 1.1 windows is one window (the path every short recording took before).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { PROJECT_ROOT, toolsDir } from '../../lib/config';

const RATE = 16000;
const python = process.env.DUALQA_SPEECH_PYTHON ?? path.join(toolsDir(), 'py-speech', 'bin', 'python');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-windows-'));

/** s16le mono: a 440 Hz tone, with 1 s silences starting at the given seconds. */
function pcmWithSilences(seconds: number, silencesAt: number[], file: string): string {
  const samples = new Int16Array(seconds * RATE);
  for (let i = 0; i < samples.length; i++) {
    const t = i / RATE;
    const silent = silencesAt.some((s) => t >= s && t < s + 1);
    samples[i] = silent ? 0 : Math.round(8000 * Math.sin(2 * Math.PI * 440 * t));
  }
  fs.writeFileSync(file, Buffer.from(samples.buffer));
  return file;
}

function windowsOf(file: string, windowS: number): [number, number][] {
  const script = `import json, sys; sys.path.insert(0, ${JSON.stringify(path.join(PROJECT_ROOT, 'speech', 'py'))}); import asr_server as a; print(json.dumps(a.transcription_windows(a.Pcm(sys.argv[1]))))`;
  const out = execFileSync(python, ['-c', script, file], { env: { ...process.env, DUALQA_SPEECH_WINDOW_S: String(windowS) }, encoding: 'utf8' });
  return JSON.parse(out) as [number, number][];
}

describe('speech windows for long audio', () => {
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('cuts 5 minutes into contiguous windows of at most 60 s, each cut inside a silence', () => {
    // A silence every 20 s: each window's last 30 s holds a whole one.
    const silences = Array.from({ length: 15 }, (_, i) => 10 + 20 * i);
    const file = pcmWithSilences(300, silences, path.join(dir, 'long.pcm'));
    const windows = windowsOf(file, 60);
    assert.equal(windows[0]![0], 0);
    assert.equal(windows.at(-1)![1], 300 * RATE);
    for (let i = 1; i < windows.length; i++) assert.equal(windows[i]![0], windows[i - 1]![1], 'windows are contiguous');
    for (const [a, b] of windows) assert.ok(b - a <= 60 * 1.1 * RATE, `window ${a}-${b} too long`);
    for (const [, cut] of windows.slice(0, -1)) {
      const t = cut / RATE;
      assert.ok(silences.some((s) => t >= s && t < s + 1), `cut at ${t} s is not in a silence`);
    }
  });

  it('keeps audio up to 1.1 windows in one piece', () => {
    const file = pcmWithSilences(65, [30], path.join(dir, 'short.pcm'));
    assert.deepEqual(windowsOf(file, 60), [[0, 65 * RATE]]);
  });

  it('answers an empty file with one empty window', () => {
    const file = path.join(dir, 'empty.pcm');
    fs.writeFileSync(file, Buffer.alloc(0));
    assert.deepEqual(windowsOf(file, 60), [[0, 0]]);
  });
});
