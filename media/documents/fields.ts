// Fields read off a document, made safe for evidence: the 执业证's licence number, holder and company; the
// 身份证's 18-character number, checked with its GB 11643 check character. Numbers never leave here whole:
// they are masked (lib/mask.ts) for reports, and a keyed hash (HMAC-SHA256 under a deployment secret) is
// kept for cross-checks against what the insurer's system holds, never the number itself.
import { createHmac } from 'node:crypto';

import { maskIdentifier, maskText } from '../../lib/mask';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** GB 11643 (ISO 7064 MOD 11-2) check character of the first 17 digits. */
export function gb11643CheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError(`expected 17 digits, got ${first17.length} characters`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export function isValidIdNumber(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && gb11643CheckChar(id.slice(0, 17)) === id[17];
}

/** Full-width forms to ASCII, whitespace (ideographic space too) removed, Latin upper-cased. */
export function compact(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, '').toUpperCase();
}

/** Letters OCR commonly reads for digits, inside something that should be all digits. */
const DIGIT_LOOKALIKES: Record<string, string> = { O: '0', Q: '0', D: '0', I: '1', L: '1', '|': '1', '!': '1', Z: '2', S: '5', B: '8', G: '6' };

/** Replaces digit look-alikes that sit between digits (or next to one), leaving words alone. */
export function normaliseDigits(text: string): string {
  const chars = [...text];
  return chars
    .map((ch, i) => {
      const d = DIGIT_LOOKALIKES[ch.toUpperCase()];
      if (!d) return ch;
      const near = (j: number): boolean => /\d/.test(chars[j] ?? '') || !!DIGIT_LOOKALIKES[(chars[j] ?? '').toUpperCase()];
      // Needs a real digit on at least one side and a digit-ish on the other (so "SL-0327" keeps its S).
      const left = /\d/.test(chars[i - 1] ?? '');
      const right = /\d/.test(chars[i + 1] ?? '');
      return (left && near(i + 1)) || (right && near(i - 1)) ? d : ch;
    })
    .join('');
}

interface IdCandidate {
  value: string;
  valid: boolean;
}

/** 18-character ID numbers in OCR text (digit look-alikes repaired, × read as X), valid ones first. */
export function findIdNumbers(text: string): IdCandidate[] {
  const s = normaliseDigits(compact(text)).replace(/[×Ⅹ]/g, 'X');
  const out: IdCandidate[] = [];
  for (const m of s.matchAll(/(?<!\d)(\d{17}[\dX])(?![\dX])/g)) {
    const value = m[1]!;
    if (!out.some((c) => c.value === value)) out.push({ value, valid: isValidIdNumber(value) });
  }
  return out.sort((a, b) => Number(b.valid) - Number(a.valid));
}

/** HMAC-SHA256 of a normalised value under a deployment secret: equal values give equal hashes; the value cannot be read back. */
export function keyedHash(value: string, key: string): string {
  return `hmac-sha256:${createHmac('sha256', key).update(compact(value), 'utf8').digest('hex')}`;
}

interface ProtectedValue {
  /** For reports: enough to recognise the value, not to use it. */
  masked: string;
  /** Keyed hash for cross-checks; absent when no key was configured. */
  hash?: string;
  length: number;
}

function protectId(value: string, hashKey?: string): ProtectedValue {
  return { masked: maskText(value), ...(hashKey ? { hash: keyedHash(value, hashKey) } : {}), length: value.length };
}

function protectIdentifier(value: string, hashKey?: string): ProtectedValue {
  return { masked: maskIdentifier(value), ...(hashKey ? { hash: keyedHash(value, hashKey) } : {}), length: value.length };
}

/** Levenshtein distance (small strings). */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length]!;
}

export type Agreement = 'exact' | 'near' | 'different';

/** Same after normalisation; `near` = one character apart (an OCR slip is likely); else different. */
export function agreement(seen: string, expected: string): Agreement {
  const a = normaliseDigits(compact(seen));
  const b = normaliseDigits(compact(expected));
  if (a === b) return 'exact';
  return editDistance(a, b) <= 1 ? 'near' : 'different';
}

interface FieldOptions {
  /** Deployment secret for keyed hashes; without it no hash is kept. */
  hashKey?: string;
  /** What the insurer's system says (the sidecar): compared here, so evidence holds the agreement, not the values. */
  expected?: { agentName?: string; licenceNo?: string };
}

export interface LicenceFields {
  licenceNo?: ProtectedValue & { expected?: Agreement };
  agentName?: string;
  agentNameExpected?: Agreement;
  company?: string;
}

const HAN = '\\p{Script=Han}';
const NAME = new RegExp(`姓?名[:：]?((?:${HAN}|·){2,5})`, 'u');
const LICENCE_LABEL = /(执业证|资格证|展业证|证书|证件)?(编号|号码|证号)[:：]?/u;
const COMPANY_SUFFIX = new RegExp(`(${HAN}{2,24}?(?:保险(?:股份)?有限(?:责任)?公司|保险(?:集团)?公司|人寿(?:保险)?(?:股份)?(?:有限)?公司))`, 'u');

/** The 执业证's fields from OCR rows (lines joined left to right, top to bottom). */
export function extractLicenceFields(rows: string[], opts: FieldOptions = {}): LicenceFields {
  const lines = rows.map(compact);
  const out: LicenceFields = {};

  // Licence number: after its label (same row or the next), else the longest long number that is not a date or an ID.
  let number: string | undefined;
  for (let i = 0; i < lines.length && !number; i++) {
    const m = LICENCE_LABEL.exec(lines[i]!);
    if (!m) continue;
    const rest = normaliseDigits(lines[i]!.slice(m.index + m[0].length));
    const next = normaliseDigits(lines[i + 1] ?? '');
    number = /^[0-9A-Z]{8,32}/.exec(rest)?.[0] ?? /^[0-9A-Z]{8,32}/.exec(next)?.[0];
  }
  if (!number) {
    const runs = lines.flatMap((l) => [...normaliseDigits(l).matchAll(/(?<!\d)\d{10,32}(?!\d)/g)].map((m) => m[0]));
    number = runs.filter((r) => !isValidIdNumber(r)).sort((a, b) => b.length - a.length)[0];
  }
  if (number) {
    out.licenceNo = {
      ...protectIdentifier(number, opts.hashKey),
      ...(opts.expected?.licenceNo ? { expected: agreement(number, opts.expected.licenceNo) } : {}),
    };
  }

  for (const l of lines) {
    const m = NAME.exec(l);
    if (m && !/执业|机构|公司|区域|日期/.test(m[1]!)) {
      out.agentName = m[1]!;
      break;
    }
  }
  if (out.agentName && opts.expected?.agentName) out.agentNameExpected = agreement(out.agentName, opts.expected.agentName);

  for (const l of lines) {
    const labelled = /(所属机构|所属公司|机构名称|公司名称|发证机构)[:：]?(.+)$/u.exec(l);
    const m = COMPANY_SUFFIX.exec(labelled?.[2] ?? l);
    if (m) {
      out.company = m[1]!;
      break;
    }
  }
  return out;
}

export interface IdCardFields {
  idNumber?: ProtectedValue & { valid: boolean };
  /** The birth date printed on the card agrees with the one inside the number. */
  birthDateAgrees?: boolean;
}

/** The 身份证's number (masked, hashed, checked) from OCR rows. */
export function extractIdCardFields(rows: string[], opts: FieldOptions = {}): IdCardFields {
  const text = rows.join('\n');
  const best = findIdNumbers(text)[0];
  if (!best) return {};
  const out: IdCardFields = { idNumber: { ...protectId(best.value, opts.hashKey), valid: best.valid } };
  const birth = /出生(\d{4})年(\d{1,2})月(\d{1,2})日/u.exec(normaliseDigits(compact(text)));
  if (birth) {
    const printed = `${birth[1]}${birth[2]!.padStart(2, '0')}${birth[3]!.padStart(2, '0')}`;
    out.birthDateAgrees = best.value.slice(6, 14) === printed;
  }
  return out;
}

/** A short, masked excerpt of what was read (long numbers masked, ID numbers reduced to 4 + 4 characters). */
export function maskedSample(text: string, maxChars = 120): string {
  // Mask on the digit-repaired text so a number with an OCR slip (O for 0) is masked too.
  const masked = maskText(normaliseDigits(text.normalize('NFKC')));
  const chars = [...masked];
  return chars.length > maxChars ? `${chars.slice(0, maxChars).join('')}…` : masked;
}
