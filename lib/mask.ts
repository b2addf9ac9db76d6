// Personal numbers never leave the system whole: ID numbers, licence numbers, phone and card numbers are
// masked in reports, pages, logs and ids. Masking keeps enough to recognise a number, not to use it.
// Numbers are found whatever form their digits take: full-width (１２３, from Chinese input methods),
// spaced or dashed in groups ("138 1234 5678", "138-1234-5678"), as Unicode normalisation (NFKC) reads
// them; the separators stay, every masked digit becomes '*'. Hashes (hex of 16+ characters with a letter:
// sha256 fields, ids built from hashes) are not numbers and stay whole.

const DIGIT = '[0-9\\uFF10-\\uFF19]';
const SEPARATOR = '[ \\u3000\\-\\uFF0D\\u2010]';
const CHECK_CHAR = '[Xx\\uFF38\\uFF58]';
/** A run of digits with at most one separator between two digits, perhaps ending in an ID's check character X. */
const NUMBER_RUN = new RegExp(`(?<![0-9\\uFF10-\\uFF19])${DIGIT}(?:${SEPARATOR}?${DIGIT})*(?:${SEPARATOR}?${CHECK_CHAR})?(?![0-9\\uFF10-\\uFF19])`, 'g');
/** Hex tokens that are hashes, not numbers: 16+ hex characters with at least one letter a–f. */
const HASH = /(?<![0-9A-Za-z])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{16,}(?![0-9A-Za-z])/g;
/** Date-like groups (2026-11-25): a 4-2-2 grouping is a date, not a number to mask. */
const DATE_GROUPS = /^\d{4}[-\uFF0D\u2010]\d{1,2}[-\uFF0D\u2010]\d{1,2}$/;
const DATE_PREFIX = /^([0-9\uFF10-\uFF19]{4}[-\uFF0D\u2010][0-9\uFF10-\uFF19]{1,2}[-\uFF0D\u2010][0-9\uFF10-\uFF19]{1,2})(?=[ \u3000])/;

/** The run as plain ASCII digits (and X), separators dropped. */
function digitsOf(run: string): string {
  return run.normalize('NFKC').replace(/[\s\-\u2010]/g, '').toUpperCase();
}

/** Masks the digit characters of `run` outside the first `head` and last `tail` digits (an X counts as a digit). */
function maskRun(run: string, head: number, tail: number): string {
  const total = digitsOf(run).length;
  let seen = 0;
  return [...run]
    .map((c) => {
      if (!/[0-9\uFF10-\uFF19Xx\uFF38\uFF58]/.test(c)) return c;
      const i = seen++;
      return i >= head && i < total - tail ? '*' : c;
    })
    .join('');
}

function maskNumbers(text: string): string {
  return text.replace(NUMBER_RUN, (run: string) => {
    const digits = digitsOf(run);
    const endsInX = digits.endsWith('X');
    // 18-character resident ID (GB 11643): keep the region prefix and the last four, e.g. 1101**********002X.
    if (digits.length === 18 && /^\d{17}[\dX]$/.test(digits)) return maskRun(run, 4, 4);
    if (endsInX) {
      // An X that is not an ID's check character is not part of the number.
      const body = run.replace(/[Xx\uFF38\uFF58]$/, '').replace(/[ \u3000\-\uFF0D\u2010]$/, '');
      return maskNumbers(body) + run.slice(body.length);
    }
    if (DATE_GROUPS.test(run.normalize('NFKC'))) return run;
    // A date followed by more digits (2026-11-25 10): the date stays, the rest is looked at on its own.
    const date = DATE_PREFIX.exec(run);
    if (date) return date[1]! + maskNumbers(run.slice(date[1]!.length));
    // Any other run of 8+ digits (licence, phone, bank card): keep the first 2 and last 2.
    return digits.length >= 8 ? maskRun(run, 2, 2) : run;
  });
}

/** A private-use character marks where a hash was set aside (it never occurs in our texts). */
const HELD = '\uE000';
const HELD_BACK = new RegExp(`${HELD}(\\d+)${HELD}`, 'g');

export function maskText(text: string): string {
  // Hashes are set aside first (a digit run inside a sha256 is not a number), then put back.
  const hashes: string[] = [];
  const held = text.replace(HASH, (h) => `${HELD}${hashes.push(h) - 1}${HELD}`);
  return maskNumbers(held).replace(HELD_BACK, (_m, i: string) => hashes[Number(i)] ?? '');
}

/** Masks an identifier entirely chosen by a person (licence number): keep 2 first and 2 last characters. */
export function maskIdentifier(value: string): string {
  const v = value.normalize('NFKC');
  if (v.length <= 4) return '*'.repeat(v.length);
  return `${v.slice(0, 2)}${'*'.repeat(v.length - 4)}${v.slice(-2)}`;
}

const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * Deep copy of a JSON value with every string masked, except the values of properties named in `keep`
 * (object keys built from ids that are safe by construction: masking a digit run of their hash would
 * point them at nothing).
 */
export function maskDeep<T>(value: T, keep: ReadonlySet<string> = NO_KEYS): T {
  if (typeof value === 'string') return maskText(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, keep) as unknown) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = keep.has(k) ? v : maskDeep(v, keep);
    return out as T;
  }
  return value;
}
