// The document keyword table is data (rules/documents/keywords-<version>.yaml), not code: its shape, and
// its loader, which validates it before the classifier (media/documents/classify.ts) is given it, so a
// broken table is refused with the line to fix rather than typing documents wrongly. Nothing is read when
// this module is imported: callers load the table the rulebook names. The table's name in evidence is
// `<id>-<version>`.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

import { PROJECT_ROOT } from '../lib/config';
import { DOCUMENT_TYPES, type DocumentType } from '../lib/labelled';

interface KeywordRule {
  text: string;
  weight: number;
}

interface PatternRule {
  /** Named in the evidence when it matches. */
  name: string;
  /** A regular expression (unicode flag) tried on the compacted text (full-width folded, no spaces). */
  regex: string;
  weight: number;
  /** Only matches that pass this check count (`gb11643`: an 18-character ID number with a valid check character). */
  check?: 'gb11643';
}

export interface DocumentClassRule {
  type: DocumentType;
  /** A finer kind within the type (e.g. `application_form` within `other`): the class's key when set. */
  label?: string;
  keywords: KeywordRule[];
  patterns?: PatternRule[];
  /** Width / height of the document in the picture: a layout cue. */
  aspect?: { min: number; max: number; weight: number };
}

export interface KeywordTable {
  version: string;
  /** A class needs at least this score to be chosen. */
  minScore: number;
  /** A keyword of n characters matches a stretch within floor(n · (1 − minSimilarity)) edits. */
  minSimilarity: number;
  /** Keywords this short must match exactly. */
  exactUpTo: number;
  classes: DocumentClassRule[];
  /** Classes (label, else type) whose text is personal: their text sample keeps only the matched keywords, their picture is coarsened. */
  privateClasses: string[];
}

export const DEFAULT_KEYWORDS_REF = 'documents-keywords@1.0.0';

export function keywordsDir(): string {
  return process.env.DUALQA_DOCUMENT_KEYWORDS_DIR ?? path.join(PROJECT_ROOT, 'rules', 'documents');
}

const weight = z.number().finite().positive();
const regex = z.string().min(1).refine(
  (s) => {
    try {
      new RegExp(s, 'u');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression (unicode flag)' },
);

const keywordTableSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a semantic version such as 1.0.0'),
    minScore: z.number().positive(),
    minSimilarity: z.number().gt(0).max(1),
    exactUpTo: z.number().int().min(0),
    privateClasses: z.array(z.string().min(1)),
    classes: z
      .array(
        z
          .object({
            type: z.enum(DOCUMENT_TYPES),
            label: z.string().regex(/^[a-z][a-z0-9_]*$/).optional(),
            keywords: z.array(z.object({ text: z.string().min(1), weight }).strict()).min(1),
            patterns: z
              .array(z.object({ name: z.string().min(1), regex, weight, check: z.literal('gb11643').optional() }).strict())
              .optional(),
            aspect: z
              .object({ min: z.number().positive(), max: z.number().positive(), weight })
              .strict()
              .refine((a) => a.min <= a.max, { message: 'aspect.min must not exceed aspect.max' })
              .optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .superRefine((t, ctx) => {
    const keys = t.classes.map((c) => c.label ?? c.type);
    const known = new Set([...keys, ...t.classes.map((c) => c.type)]);
    for (const p of t.privateClasses) if (!known.has(p)) ctx.addIssue({ code: 'custom', path: ['privateClasses'], message: `${p} is not a class of this table` });
  });

export class KeywordTableError extends Error {
  override name = 'KeywordTableError';
}

export interface LoadedKeywordTable {
  table: KeywordTable;
  sha256: string;
  file: string;
}

/** Validates a table's YAML text; the name it goes by in evidence is `<id>-<version>`. */
export function parseKeywordTable(text: string, file: string): LoadedKeywordTable {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new KeywordTableError(`keyword table ${file} is not YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const result = keywordTableSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new KeywordTableError(`keyword table ${file} is invalid: ${issues}`);
  }
  const { id, version, ...rest } = result.data;
  return { table: { version: `${id}-${version}`, ...rest }, sha256: createHash('sha256').update(text).digest('hex'), file };
}

/** Loads `id@version` (e.g. documents-keywords@1.0.0) from the keyword tables folder. */
export function loadKeywordTable(ref: string = DEFAULT_KEYWORDS_REF, dir = keywordsDir()): LoadedKeywordTable {
  const m = /^([a-z][a-z0-9-]*)@(\d+\.\d+\.\d+)$/.exec(ref);
  if (!m) throw new KeywordTableError(`keyword table reference ${ref}: want id@version, e.g. ${DEFAULT_KEYWORDS_REF}`);
  // Files are named by the part of the id after "documents-": documents-keywords@1.0.0 → keywords-1.0.0.yaml.
  const file = path.join(dir, `${m[1]!.replace(/^documents-/, '')}-${m[2]}.yaml`);
  if (!fs.existsSync(file)) throw new KeywordTableError(`no keyword table ${ref} (${file})`);
  const loaded = parseKeywordTable(fs.readFileSync(file, 'utf8'), file);
  if (loaded.table.version !== `${m[1]}-${m[2]}`) throw new KeywordTableError(`${file} says it is ${loaded.table.version}, not ${ref}`);
  return loaded;
}
