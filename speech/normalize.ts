// Text normalisation before matching: Whisper writes traditional characters and Arabic numerals at
// times, the rulebook writes simplified characters and numbers as spoken. Both sides go through here, so
// "由於7位15天" and "犹豫期为十五天" meet in the same form (and then in pinyin, see match.ts).
import * as OpenCC from 'opencc-js';

const toCn = OpenCC.Converter({ from: 't', to: 'cn' });

export function toSimplified(text: string): string {
  return toCn(text);
}

const DIGITS = '零一二三四五六七八九';

/** Reads a digit string one digit at a time, as licence, ID and phone numbers are spoken. */
export function readDigits(digits: string): string {
  return [...digits].map((d) => DIGITS[Number(d)] ?? '').join('');
}

/** Reads an integer below 10^12 as a Chinese number: 15 → 十五, 12000 → 一万二千, 105 → 一百零五. */
export function readInteger(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 1e12) return readDigits(String(n));
  if (n === 0) return '零';
  const below10k = (v: number, leadingZero: boolean): string => {
    const units = ['千', '百', '十', ''];
    const parts = [Math.floor(v / 1000), Math.floor(v / 100) % 10, Math.floor(v / 10) % 10, v % 10];
    let out = '';
    let zero = leadingZero;
    parts.forEach((d, i) => {
      if (d === 0) {
        if (out) zero = true;
        return;
      }
      if (zero && out) out += '零';
      else if (zero && leadingZero && !out) out += '零';
      zero = false;
      const unit = units[i] ?? '';
      out += (d === 1 && unit === '十' && !out && !leadingZero ? '' : DIGITS.charAt(d)) + unit;
    });
    return out;
  };
  const yi = Math.floor(n / 1e8);
  const wan = Math.floor(n / 1e4) % 1e4;
  const rest = n % 1e4;
  let out = '';
  if (yi) out += below10k(yi, false) + '亿';
  if (wan) out += below10k(wan, !!out && wan < 1000) + '万';
  else if (out && rest) out += '零';
  if (rest) out += below10k(rest, !!out && rest < 1000 && !out.endsWith('零'));
  return out;
}

/**
 * Numbers as they are spoken: long runs and runs with a leading zero digit by digit (licence and ID
 * numbers), others by value; a decimal point is 点, a percent sign 百分之.
 */
export function speakNumbers(text: string): string {
  return text
    .replace(/(\d+)(?:\.(\d+))?\s*%/g, (_, i: string, f?: string) => '百分之' + speakNumber(i) + (f ? '点' + readDigits(f) : ''))
    .replace(/(\d+)\.(\d+)/g, (_, i: string, f: string) => speakNumber(i) + '点' + readDigits(f))
    .replace(/\d+/g, (d) => speakNumber(d));
}

export function speakNumber(d: string): string {
  if (d.length >= 5 && (d.startsWith('0') || d.length > 8)) return readDigits(d);
  if (d.length > 1 && d.startsWith('0')) return readDigits(d);
  return readInteger(Number(d));
}

/** The form both transcript and script are compared in: simplified Han characters, numbers spoken, no punctuation. */
export function normalizeForMatch(text: string): string {
  return speakNumbers(toSimplified(text)).replace(/[^\p{Script=Han}A-Za-z{}]/gu, '');
}
