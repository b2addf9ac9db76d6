// Deliberately bad: the other half of the circle.
import type { a } from './a';

export const b: Array<typeof a> = [];
