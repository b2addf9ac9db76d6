// The clock search decodes a few frames on their own before the shared decode. On a damaged file those
// frames may not decode: the search skips them and goes on (the fuzzer's CI sample found the whole media
// analysis failing, and retried, on mutants where the first frame could not be decoded).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_CLOCK_CONFIG, locateClock } from '../../media/documents/clock';
import type { OcrEngineLike } from '../../media/documents/types';

const W = 320;
const H = 180;
const frame = { width: W, height: H, rgb: Buffer.alloc(W * H * 3) };
const clockOcr: OcrEngineLike = {
  readLines: async () => [{ text: '2026-11-25 10:00:00', score: 0.99, box: [[10, 5], [150, 5], [150, 20], [10, 20]] }],
} as unknown as OcrEngineLike;
const undecodable = (): Error => Object.assign(new Error('ffmpeg failed (1): Decoder (codec none) not found for input stream #0:0'), { name: 'FfmpegError' });

describe('clock search on a damaged file', () => {
  it('no frame decodes: no clock, no failure', async () => {
    const location = await locateClock(clockOcr, async () => Promise.reject(undecodable()), DEFAULT_CLOCK_CONFIG, 60);
    assert.equal(location.region, null);
    assert.ok(location.searches > 0);
  });

  it('frames that do not decode are skipped and the search goes on', async () => {
    let calls = 0;
    const location = await locateClock(clockOcr, async () => (++calls === 1 ? Promise.reject(undecodable()) : frame), DEFAULT_CLOCK_CONFIG, 60);
    assert.notEqual(location.region, null);
    assert.equal(location.searches, 2);
  });

  it('a cancelled search still stops', async () => {
    const abort = new AbortController();
    await assert.rejects(
      locateClock(clockOcr, async () => {
        abort.abort();
        throw undecodable();
      }, DEFAULT_CLOCK_CONFIG, 60, abort.signal),
    );
  });
});
