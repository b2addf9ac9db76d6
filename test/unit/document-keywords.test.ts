// The document keyword table lives in rules/documents/keywords-1.0.0.yaml: it loads, validates, is what the
// classifier uses, and a broken table is refused with the place to fix.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';

import { classifyText } from '../../media/documents/classify';
import { DEFAULT_DOCUMENT_PASS_CONFIG, passKeywordTable } from '../../media/documents/pass';
import { DEFAULT_KEYWORDS_REF, KeywordTableError, keywordsDir, loadKeywordTable, parseKeywordTable } from '../../rules/document-keywords';
import { DOCUMENT_TYPES } from '../../lib/labelled';
import { keywordTableFor } from '../../activities/document-keywords';
import { documentKeywordsRef, loadRulebook, parseRulebook, rulebooksDir } from '../../rules/load';
import { rulebookSchema } from '../../rules/schema';

/** The table the documents pass classifies with when its caller names none. */
const DEFAULT_KEYWORD_TABLE = passKeywordTable(DEFAULT_DOCUMENT_PASS_CONFIG);

function tableText(edit: (t: Record<string, unknown>) => void): string {
  const { version: _name, ...rest } = structuredClone(DEFAULT_KEYWORD_TABLE);
  const raw: Record<string, unknown> = { id: 'documents-keywords', version: '1.0.0', ...rest };
  edit(raw);
  return stringify(raw);
}

describe('document keyword table (rules/documents)', () => {
  it('the committed table loads, is the classifier\'s default and names itself documents-keywords-1.0.0', () => {
    const loaded = loadKeywordTable(DEFAULT_KEYWORDS_REF);
    assert.equal(loaded.file, path.join(keywordsDir(), 'keywords-1.0.0.yaml'));
    assert.equal(loaded.table.version, 'documents-keywords-1.0.0');
    assert.match(loaded.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(DEFAULT_KEYWORD_TABLE, loaded.table);
    // every labelled document type but `other` has a class of its own
    for (const type of DOCUMENT_TYPES) assert.ok(loaded.table.classes.some((c) => c.type === type), type);
    assert.equal(classifyText(['免责条款说明书', '本公司不承担给付保险金的责任'], loaded.table).type, 'exclusions');
  });

  it('a changed table changes the classification: the keywords are data', () => {
    const text = tableText((t) => {
      const classes = t.classes as { type: string; keywords: { text: string; weight: number }[] }[];
      classes.find((c) => c.type === 'exclusions')!.keywords.push({ text: '概不负责', weight: 3 });
    });
    const { table } = parseKeywordTable(text, 'edited.yaml');
    assert.equal(classifyText('概不负责', DEFAULT_KEYWORD_TABLE).type, 'other');
    assert.equal(classifyText('概不负责', table).type, 'exclusions');
  });

  const broken: [string, (t: Record<string, unknown>) => void, RegExp][] = [
    ['an unknown document type', (t) => ((t.classes as { type: string }[])[0]!.type = 'passport'), /classes\.0\.type/],
    ['a regular expression that does not compile', (t) => ((t.classes as { patterns?: { regex: string }[] }[])[0]!.patterns![0]!.regex = '(编号'), /classes\.0\.patterns\.0\.regex: not a valid regular expression/],
    ['a negative weight', (t) => ((t.classes as { keywords: { weight: number }[] }[])[0]!.keywords[0]!.weight = -1), /classes\.0\.keywords\.0\.weight/],
    ['aspect min above max', (t) => ((t.classes as { aspect?: { min: number } }[])[0]!.aspect!.min = 5), /aspect\.min must not exceed/],
    ['a private class the table does not have', (t) => (t.privateClasses = ['id_card', 'passport']), /privateClasses: passport is not a class/],
    ['an unknown field (a typo)', (t) => (t.minscore = 2), /Unrecognized key/],
    ['no version', (t) => delete t.version, /version/],
  ];
  for (const [what, edit, message] of broken) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseKeywordTable(tableText(edit), 'bad.yaml'), (err: unknown) => err instanceof KeywordTableError && message.test(err.message) && /bad\.yaml/.test(err.message));
    });
  }

  it('refuses a missing table, a malformed reference and a file that names another version', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-kw-'));
    try {
      assert.throws(() => loadKeywordTable('documents-keywords@9.9.9', dir), /no keyword table documents-keywords@9\.9\.9/);
      assert.throws(() => loadKeywordTable('keywords', dir), /want id@version/);
      fs.writeFileSync(path.join(dir, 'keywords-2.0.0.yaml'), tableText(() => undefined));
      assert.throws(() => loadKeywordTable('documents-keywords@2.0.0', dir), /says it is documents-keywords-1\.0\.0/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the rulebook names the keyword table', () => {
  const committed = fs.readdirSync(rulebooksDir()).filter((f) => /\.ya?ml$/.test(f));

  it('a rulebook without `documents` uses documents-keywords@1.0.0; one that names a table uses it', () => {
    const { book } = loadRulebook('cn-national');
    assert.equal(documentKeywordsRef({}), DEFAULT_KEYWORDS_REF);
    assert.equal(documentKeywordsRef({ documents: { keywords: 'documents-keywords@1.2.0' } }), 'documents-keywords@1.2.0');
    const named = rulebookSchema.parse({ ...book, documents: { keywords: 'documents-keywords@1.0.0' } });
    assert.equal(documentKeywordsRef(named), 'documents-keywords@1.0.0');
  });

  it('refuses a malformed table reference and unknown fields under `documents`', () => {
    const { book } = loadRulebook('cn-national');
    for (const documents of [{ keywords: 'keywords-1.0.0' }, { keywords: 'documents-keywords@1.0' }, { keywords: 'documents-keywords@1.0.0', extra: 1 }]) {
      assert.equal(rulebookSchema.safeParse({ ...book, documents }).success, false, JSON.stringify(documents));
    }
  });

  it('every committed rulebook names a table that loads', () => {
    assert.ok(committed.length > 0);
    for (const f of committed) {
      const { book } = parseRulebook(fs.readFileSync(path.join(rulebooksDir(), f), 'utf8'), f);
      const loaded = keywordTableFor(book);
      assert.equal(loaded.table.version, documentKeywordsRef(book).replace('@', '-'), f);
    }
  });

  it('the activity\'s table is the one the rulebook names, from the tables folder; a missing one is refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dualqa-kw-book-'));
    try {
      const text = tableText((t) => {
        t.version = '1.1.0';
        (t.classes as { type: string; keywords: { text: string; weight: number }[] }[]).find((c) => c.type === 'exclusions')!.keywords.push({ text: '概不负责', weight: 3 });
      });
      fs.writeFileSync(path.join(dir, 'keywords-1.1.0.yaml'), text);
      const { table } = keywordTableFor({ documents: { keywords: 'documents-keywords@1.1.0' } }, dir);
      assert.equal(table.version, 'documents-keywords-1.1.0');
      assert.equal(classifyText('概不负责', table).type, 'exclusions');
      assert.equal(keywordTableFor({}).table.version, 'documents-keywords-1.0.0');
      assert.throws(() => keywordTableFor({ documents: { keywords: 'documents-keywords@1.2.0' } }, dir), KeywordTableError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
