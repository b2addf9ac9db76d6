// CTC greedy decoding for the PP-OCR recognizer.
//
// The recognizer answers, per input line, T time steps × C class probabilities (softmax already applied in
// the graph). Class 0 is the CTC blank; classes 1..n are the n characters of the model's `character`
// metadata (one per line); when C = n + 2 the last class is a space (PaddleOCR's `use_space_char`, which
// PP-OCRv6 small has: C = 18710 for 18708 characters).

export interface Charset {
  /** Class index → text; index 0 (blank) is ''. */
  readonly classes: readonly string[];
}

/** Builds the class table from the `character` metadata (newline-separated) and the model's class count. */
export function charsetFromMetadata(character: string, classCount: number): Charset {
  const chars = character.split('\n');
  if (chars.length > 0 && chars[chars.length - 1] === '') chars.pop(); // tolerate a trailing newline
  if (chars.some((c) => c.length === 0)) throw new Error('OCR character list has an empty entry');
  if (classCount === chars.length + 2) return { classes: ['', ...chars, ' '] };
  if (classCount === chars.length + 1) return { classes: ['', ...chars] };
  throw new Error(`OCR character list has ${chars.length} entries, which does not fit the recognizer's ${classCount} classes`);
}

interface Decoded {
  text: string;
  /** Mean probability of the kept characters; 0 when nothing was read. */
  score: number;
  /** Per kept character: its class probability and the time step it was read at. */
  chars: { char: string; prob: number; step: number }[];
}

/**
 * Greedy (best-path) decoding of one line: the most probable class per step, repeats merged, blanks
 * dropped. `probs` holds `steps` rows of `classes.length` values starting at `offset`.
 */
export function ctcGreedyDecode(probs: Float32Array, steps: number, charset: Charset, offset = 0): Decoded {
  const c = charset.classes.length;
  if (offset < 0 || offset + steps * c > probs.length) throw new RangeError(`CTC input holds fewer than ${steps}×${c} values at ${offset}`);
  const chars: Decoded['chars'] = [];
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * c;
    let best = 0;
    let bestP = probs[row]!;
    for (let k = 1; k < c; k++) {
      const p = probs[row + k]!;
      if (p > bestP) {
        bestP = p;
        best = k;
      }
    }
    if (best !== 0 && best !== prev) chars.push({ char: charset.classes[best]!, prob: bestP, step: t });
    prev = best;
  }
  // Leading/trailing spaces carry no meaning on a cropped line.
  while (chars.length > 0 && chars[0]!.char === ' ') chars.shift();
  while (chars.length > 0 && chars[chars.length - 1]!.char === ' ') chars.pop();
  const score = chars.length === 0 ? 0 : chars.reduce((s, ch) => s + ch.prob, 0) / chars.length;
  return { text: chars.map((ch) => ch.char).join(''), score, chars };
}
