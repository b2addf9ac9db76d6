// Small synthetic clips for detector tests, made with ffmpeg's generators at low resolution so each takes
// well under a second. Fixtures that look like real dual recordings live in fixtures/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFfmpeg } from '../../media/ffmpeg';

export interface ClipSpec {
  durationS: number;
  blackFrom?: number;
  blackTo?: number;
  silenceFrom?: number;
  silenceTo?: number;
  /** Freeze the picture between these times (frames repeated exactly). */
  freezeFrom?: number;
  freezeTo?: number;
  /** A re-encoded splice: a different scene and sound from this time on, timestamps continuous. */
  spliceAt?: number;
  /** The picture alone switches to the splice's other scene from this time on; the sound goes on unchanged. */
  pictureChangeAt?: number;
  /** The sound alone changes as at a splice (room tone ×4) from this time on; the picture goes on unchanged. */
  soundChangeAt?: number;
  /** The sound's gain after a splice or sound change (default 4, +12 dB). */
  soundChangeGain?: number;
  /** A container timestamp jump of `gapS` at `gapAt`. */
  gapAt?: number;
  gapS?: number;
  noAudio?: boolean;
  noVideo?: boolean;
  fps?: number;
}

export function tempDir(prefix = 'dualqa-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function makeClip(file: string, spec: ClipSpec): Promise<string> {
  const fps = spec.fps ?? 25;
  const d = spec.durationS;
  const args: string[] = [];
  const vf: string[] = [];
  const af: string[] = [];
  if (!spec.noVideo) {
    args.push('-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=${fps}:duration=${d}`);
  }
  if (!spec.noAudio) {
    args.push('-f', 'lavfi', '-i', `sine=frequency=300:sample_rate=48000:duration=${d}`);
    args.push('-f', 'lavfi', '-i', `anoisesrc=color=pink:amplitude=0.02:sample_rate=48000:duration=${d}`);
  }
  const audioIn = spec.noVideo ? 0 : 1;
  const graph: string[] = [];
  if (!spec.noVideo) {
    let v = '[0:v]';
    if (spec.freezeFrom !== undefined && spec.freezeTo !== undefined) {
      const first = Math.round(spec.freezeFrom * fps);
      const last = Math.round(spec.freezeTo * fps) - 1;
      graph.push(`${v}split[va][vb];[va][vb]freezeframes=first=${first}:last=${last}:replace=${first}[vf]`);
      v = '[vf]';
    }
    const pictureAt = spec.spliceAt ?? spec.pictureChangeAt;
    if (pictureAt !== undefined) {
      // After the splice: mirrored, shifted, recoloured picture — a different take of the scene.
      graph.push(`${v}split[s1][s2];[s2]hflip,hue=h=120,eq=brightness=-0.1[s3];[s1][s3]overlay=enable='gte(t,${pictureAt})'[vs]`);
      v = '[vs]';
    }
    if (spec.blackFrom !== undefined) vf.push(`drawbox=color=black:t=fill:enable='between(t,${spec.blackFrom},${spec.blackTo})'`);
    graph.push(`${v}${vf.length ? vf.join(',') : 'null'}[vout]`);
  }
  if (!spec.noAudio) {
    const soundAt = spec.spliceAt ?? spec.soundChangeAt;
    if (soundAt !== undefined) af.push(`volume=enable='gte(t,${soundAt})':volume=${spec.soundChangeGain ?? 4}`);
    if (spec.silenceFrom !== undefined) af.push(`volume=enable='between(t,${spec.silenceFrom},${spec.silenceTo})':volume=0`);
    graph.push(`[${audioIn}:a][${audioIn + 1}:a]amix=inputs=2:normalize=0${af.length ? `,${af.join(',')}` : ''}[aout]`);
  }
  args.push('-filter_complex', graph.join(';'));
  if (!spec.noVideo) args.push('-map', '[vout]', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p');
  if (!spec.noAudio) args.push('-map', '[aout]', '-c:a', 'aac', '-b:a', '64k');
  if (spec.gapAt !== undefined) {
    const shift = `if(gte(T\\,${spec.gapAt})\\,PTS+${spec.gapS ?? 2}/TB\\,PTS)`;
    const out = `${file}.pre.mkv`;
    await runFfmpeg([...args, '-t', String(d), out]);
    await runFfmpeg([
      '-i', out,
      ...(spec.noVideo ? [] : ['-vf', `setpts=${shift}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-fps_mode', 'passthrough']),
      ...(spec.noAudio ? [] : ['-af', `asetpts=${shift}`, '-c:a', 'aac']),
      file,
    ]);
    fs.rmSync(out);
    return file;
  }
  await runFfmpeg([...args, '-t', String(d), file]);
  return file;
}
