// Deliberately bad: a circle between two files of one folder (a.ts ↔ b.ts).
import { b } from './b';

export const a = (): string => `a${b.length}`;
