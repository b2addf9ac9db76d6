// Who may review: a JSON file (DUALQA_REVIEWERS, default <data dir>/reviewers.json, mode 0600) listing
// reviewers with the sha256 of their token, never the token itself. `dualqa review add-reviewer ID`
// creates a token, stores its hash and prints the token once.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dataDir } from '../lib/config';

export interface Reviewer {
  id: string;
  name: string;
  tokenSha256: string;
}

export function reviewersFile(): string {
  return process.env.DUALQA_REVIEWERS ?? path.join(dataDir(), 'reviewers.json');
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function loadReviewers(file = reviewersFile()): Reviewer[] {
  if (!fs.existsSync(file)) return [];
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { reviewers?: Reviewer[] };
  return (parsed.reviewers ?? []).filter((r) => /^[a-z0-9_.-]{1,64}$/i.test(r.id) && /^[0-9a-f]{64}$/.test(r.tokenSha256));
}

/** Adds a reviewer (or gives an existing one a new token); returns the token, which is not stored. */
export function addReviewer(id: string, name = id, file = reviewersFile()): string {
  if (!/^[a-z0-9_.-]{1,64}$/i.test(id)) throw new Error('reviewer id: letters, digits, . _ - (up to 64)');
  const token = randomBytes(24).toString('base64url');
  const reviewers = loadReviewers(file).filter((r) => r.id !== id);
  reviewers.push({ id, name, tokenSha256: hashToken(token).toString('hex') });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ reviewers }, null, 2)}\n`, { mode: 0o600 });
  return token;
}

/** The reviewer holding this token, compared in constant time; null for anything else. */
export function reviewerForToken(reviewers: Reviewer[], token: string): Reviewer | null {
  if (!token) return null;
  const offered = hashToken(token);
  let found: Reviewer | null = null;
  for (const r of reviewers) if (timingSafeEqual(offered, Buffer.from(r.tokenSha256, 'hex'))) found = r;
  return found;
}
