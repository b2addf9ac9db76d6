// The cases of a labelled folder: NAME.<media> + NAME.labels.json and the optional side files.
import * as fs from 'node:fs';
import * as path from 'node:path';

const MEDIA = /\.(mp4|webm|mkv|flv|mov|avi|ts)$/i;

export interface LabelledCase {
  name: string;
  media: string;
  meta?: string;
  labels: string;
  /** NAME.robustness.json: the case is a robustness case (fixtures/robustness.ts). */
  robustness?: string;
  /** NAME.variety.json: the case is a varied case (fixtures/varied.ts): its set and style tags. */
  variety?: string;
}

/** Cases of a labelled folder: NAME.<media> + NAME.labels.json (+ NAME.meta.json, NAME.robustness.json, NAME.variety.json). */
export function listCases(dir: string): LabelledCase[] {
  const files = fs.readdirSync(dir);
  return files
    .filter((f) => MEDIA.test(f))
    .map((f) => {
      const name = f.replace(MEDIA, '');
      const meta = path.join(dir, `${name}.meta.json`);
      const robustness = path.join(dir, `${name}.robustness.json`);
      const variety = path.join(dir, `${name}.variety.json`);
      return {
        name,
        media: path.join(dir, f),
        labels: path.join(dir, `${name}.labels.json`),
        ...(fs.existsSync(meta) ? { meta } : {}),
        ...(fs.existsSync(robustness) ? { robustness } : {}),
        ...(fs.existsSync(variety) ? { variety } : {}),
      };
    })
    .filter((c) => fs.existsSync(c.labels))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The condition a NAME.robustness.json names (fixtures/robustness.ts writes it). */
export function robustnessCondition(file: string): string {
  const side = JSON.parse(fs.readFileSync(file, 'utf8')) as { robustness?: unknown; condition?: unknown };
  if (side.robustness !== true || typeof side.condition !== 'string') throw new Error(`${file}: not a robustness side-file (want robustness: true and a condition)`);
  return side.condition;
}
