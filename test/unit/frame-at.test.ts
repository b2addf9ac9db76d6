// One frame by seek: also from a container without an index and a single keyframe (MPEG-TS, long GOP),
// where the fast input seek lands past the last keyframe and decodes nothing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runFfmpeg } from '../../media/ffmpeg';
import { frameAt } from '../../media/frame-at';
import { probeMedia } from '../../media/probe';

describe('frameAt', () => {
  it('grabs a frame near the end of an MPEG-TS with one keyframe', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-frame-'));
    try {
      const file = path.join(dir, 'stream.ts');
      await runFfmpeg(['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=6', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '1000', '-pix_fmt', 'yuv420p', '-f', 'mpegts', '-y', file]);
      const probe = await probeMedia(file);
      assert.ok(probe.ok);
      const frame = await frameAt(file, probe.facts, 5, 160, 90);
      assert.equal(frame.data.length, 160 * 90 * 3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
