// The document keyword table for one inspection: the table the rulebook names (`documents.keywords`), read
// from rules/documents/ here in the activity (never in workflow code) and kept per process, since tables
// are versioned files that do not change under a name.
import { documentKeywordsRef } from '../rules/load';
import type { Rulebook } from '../rules/schema';
import { keywordsDir, loadKeywordTable, type LoadedKeywordTable } from '../rules/document-keywords';

const loaded = new Map<string, LoadedKeywordTable>();

/** Loads (once per folder and reference) the keyword table a rulebook names; throws KeywordTableError when it is missing or invalid. */
export function keywordTableFor(book: Pick<Rulebook, 'documents'>, dir = keywordsDir()): LoadedKeywordTable {
  const ref = documentKeywordsRef(book);
  const key = `${dir}\n${ref}`;
  let table = loaded.get(key);
  if (!table) {
    table = loadKeywordTable(ref, dir);
    loaded.set(key, table);
  }
  return table;
}
