// Personal numbers as people and input methods write them, and a matcher that finds a number written any
// of those ways. The privacy test plants the forms and searches every output with the matcher: a number is
// leaked when all its digits appear in order with nothing but separators between them, whatever their width.

const FULL_WIDTH_ZERO = 0xff10;

/** Groups a phone (3 4 4) or an ID number (6 8 4) the way they are usually spaced; others in fours. */
function groupsOf(number: string): string[] {
  const sizes = number.length === 11 ? [3, 4, 4] : number.length === 18 ? [6, 8, 4] : [];
  const out: string[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(number.slice(at, at + size));
    at += size;
  }
  for (; at < number.length; at += 4) out.push(number.slice(at, at + 4));
  return out;
}

function fullWidth(text: string): string {
  return [...text]
    .map((c) => (/\d/.test(c) ? String.fromCharCode(FULL_WIDTH_ZERO + Number(c)) : c === 'X' ? '\uFF38' : c === ' ' ? '\u3000' : c))
    .join('');
}

export interface NumberForms {
  ascii: string;
  fullWidth: string;
  spaced: string;
  dashed: string;
  fullWidthSpaced: string;
  /** Digits one by one with a space (how a number is read out or typed digit by digit). */
  digitBydigit: string;
}

/** The forms of `number` (ASCII digits, an ID's check character as 'X'). */
export function formsOf(number: string): NumberForms {
  const groups = groupsOf(number);
  return {
    ascii: number,
    fullWidth: fullWidth(number),
    spaced: groups.join(' '),
    dashed: groups.join('-'),
    fullWidthSpaced: fullWidth(groups.join(' ')),
    digitBydigit: [...number].join(' '),
  };
}

/** Separators a number may carry between its digits (after NFKC): spaces, dashes, dots, commas, a URL's '+'. */
const BETWEEN = '[\\s\\-\\u2010-\\u2015_.,、+/·]{0,3}';

const CHINESE_DIGITS: Record<string, string> = { 〇: '0', 零: '0', 幺: '1', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/** The text as a reader of each output could see it: percent-encoding and HTML character references undone, Chinese digits read. */
function readings(text: string): string[] {
  const percent = text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
  const entities = text.replace(/&#(x[0-9A-Fa-f]+|\d+);/g, (_m, code: string) => String.fromCodePoint(code.startsWith('x') ? parseInt(code.slice(1), 16) : Number(code)));
  // Spoken numbers come back from speech recognition as Chinese digits (幺 for 1 in phone numbers).
  const spoken = text.replace(/[〇零幺一二三四五六七八九]/g, (c) => CHINESE_DIGITS[c] ?? c);
  return [text, percent, entities, spoken].map((t) => t.normalize('NFKC'));
}

/** The first whole occurrence of `number` in `text` in any form, or null. */
export function findNumber(text: string, number: string): string | null {
  const pattern = new RegExp([...number].map((c) => (c === 'X' ? '[Xx]' : c)).join(BETWEEN));
  for (const reading of readings(text)) {
    const hit = pattern.exec(reading);
    if (hit) return hit[0];
  }
  return null;
}

/** Each number found whole in `text`, with a little context, for a failure message. */
export function leaksIn(text: string, numbers: readonly string[]): string[] {
  const found: string[] = [];
  for (const number of numbers) {
    const hit = findNumber(text, number);
    if (hit === null) continue;
    const normal = text.normalize('NFKC');
    const at = Math.max(0, normal.indexOf(hit));
    found.push(`${number} as ${JSON.stringify(hit)} near ${JSON.stringify(normal.slice(Math.max(0, at - 60), at + hit.length + 60))}`);
  }
  return found;
}
