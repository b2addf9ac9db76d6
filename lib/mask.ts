// Personal numbers never leave the system whole: ID numbers, licence numbers, phone and card numbers are
// masked in reports, pages and logs. Masking keeps enough to recognise a number, not to use it.

/** 18-character resident ID (GB 11643): keep the region prefix and the last four, e.g. 1101**********002X. */
const ID_NUMBER = /(?<![0-9A-Za-z])(\d{4})\d{10}(\d{3}[\dXx])(?![0-9A-Za-z])/g;
/** Any other run of 8+ digits (licence, phone, bank card): keep the first 2 and last 2. */
const LONG_DIGITS = /(?<![0-9])(\d{2})\d{4,}(\d{2})(?![0-9])/g;

export function maskText(text: string): string {
  return text
    .replace(ID_NUMBER, (_m, head: string, tail: string) => `${head}${'*'.repeat(10)}${tail}`)
    .replace(LONG_DIGITS, (m: string, head: string, tail: string) => `${head}${'*'.repeat(m.length - 4)}${tail}`);
}

/** Masks an identifier entirely chosen by a person (licence number): keep 2 first and 2 last characters. */
export function maskIdentifier(value: string): string {
  if (value.length <= 4) return '*'.repeat(value.length);
  return `${value.slice(0, 2)}${'*'.repeat(value.length - 4)}${value.slice(-2)}`;
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
