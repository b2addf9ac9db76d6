// Loading rulebooks: from the committed folder (or DUALQA_RULEBOOKS_DIR), validated, with a content hash
// so a report can prove which exact rules judged it.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../lib/config';
import { DEFAULT_KEYWORDS_REF } from './document-keywords';
import { rulebookSchema, type Rulebook } from './schema';
import { ERROR_TYPES } from '../temporal.config';

const DEFAULT_RULEBOOK = 'cn-national';

export interface LoadedRulebook {
  book: Rulebook;
  sha256: string;
  file: string;
}

export function rulebooksDir(): string {
  return process.env.DUALQA_RULEBOOKS_DIR ?? path.join(PROJECT_ROOT, 'rules', 'rulebooks');
}

export class RulebookError extends Error {
  override name = ERROR_TYPES.rulebook;
}

export function parseRulebook(text: string, file: string): LoadedRulebook {
  const raw: unknown = parse(text);
  const result = rulebookSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new RulebookError(`rulebook ${file} is invalid: ${issues}`);
  }
  return { book: result.data, sha256: createHash('sha256').update(text).digest('hex'), file };
}

/** Loads `id` or `id@version`; without a version the newest file for that id wins. */
export function loadRulebook(ref: string = DEFAULT_RULEBOOK, dir = rulebooksDir()): LoadedRulebook {
  const [id, version] = ref.split('@');
  // Candidate versions (rules/rulebooks/candidates/) judge only when named with their version: a rulebook
  // becomes the default once its figures on the varied and sealed sets are measured.
  const candidateDir = path.join(dir, 'candidates');
  const files = [
    ...fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f)),
    ...(version && fs.existsSync(candidateDir) ? fs.readdirSync(candidateDir).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(candidateDir, f)) : []),
  ];
  const candidates = files
    .map((f) => parseRulebook(fs.readFileSync(f, 'utf8'), path.relative(dir, f)))
    .filter((l) => l.book.id === id && (!version || l.book.version === version))
    .sort((a, b) => compareVersions(b.book.version, a.book.version));
  const found = candidates[0];
  if (!found) throw new RulebookError(`no rulebook ${ref} in ${dir}`);
  return found;
}

/** The candidate versions of rulebook `id` (rules/rulebooks/candidates/), newest first. */
export function candidateRulebooks(id: string = DEFAULT_RULEBOOK, dir = rulebooksDir()): LoadedRulebook[] {
  const candidateDir = path.join(dir, 'candidates');
  if (!fs.existsSync(candidateDir)) return [];
  return fs
    .readdirSync(candidateDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => parseRulebook(fs.readFileSync(path.join(candidateDir, f), 'utf8'), path.relative(dir, path.join(candidateDir, f))))
    .filter((l) => l.book.id === id)
    .sort((a, b) => compareVersions(b.book.version, a.book.version));
}

/** The document keyword table a rulebook names; rulebooks from before the field use the first table (1.0.0). */
export function documentKeywordsRef(book: Pick<Rulebook, 'documents'>): string {
  return book.documents?.keywords ?? DEFAULT_KEYWORDS_REF;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
