// Who may sign in, in the catalogue database (table reviewers): an id, a display name, a role and the
// sha256 of their token, never the token itself. `dualqa review add-reviewer ID --role R` creates a token,
// stores its hash and prints the token once; disable-reviewer / remove-reviewer take access away on the
// reviewer's next request (sessions are checked against the table every time).
//
// Roles: reviewer (decides), lead (decides and approves overturned FAILs), auditor (reads everything,
// the audit included; decides nothing), regulator-export (the dashboard and its CSV; no recordings).
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Catalogue, ReviewerAccount, Role } from '../catalogue/types';
import { ROLES } from '../catalogue/types';
import { dataDir } from '../lib/config';

export type Reviewer = ReviewerAccount;

export const REVIEWER_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** The reviewers file dualqa kept before the database (imported once by `catalogue import-sqlite`). */
export function legacyReviewersFile(): string {
  return process.env.DUALQA_REVIEWERS ?? path.join(dataDir(), 'reviewers.json');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Adds a reviewer (or gives an existing one a new token, name and role, enabled); returns the token, which is not stored. */
export async function addReviewer(catalogue: Catalogue, id: string, name = id, role: Role = 'reviewer'): Promise<string> {
  if (!REVIEWER_ID.test(id)) throw new Error('reviewer id: letters, digits, . _ - (up to 64)');
  if (!isRole(role)) throw new Error(`role: one of ${ROLES.join(', ')}`);
  const token = randomBytes(24).toString('base64url');
  await catalogue.putReviewer({ id, name, role, tokenSha256: hashToken(token) });
  return token;
}

/** The enabled reviewer holding this token (and this id, when given); null for anything else. */
export async function reviewerForToken(catalogue: Catalogue, token: string, id?: string): Promise<Reviewer | null> {
  if (!token) return null;
  return catalogue.reviewerByToken(hashToken(token), id || undefined);
}

/** Copies reviewers from the old reviewers.json (token hashes as they are, role reviewer). */
export async function importReviewersFile(catalogue: Catalogue, file = legacyReviewersFile()): Promise<number> {
  if (!fs.existsSync(file)) return 0;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { reviewers?: { id: string; name: string; tokenSha256: string }[] };
  let n = 0;
  for (const r of parsed.reviewers ?? []) {
    if (!REVIEWER_ID.test(r.id) || !/^[0-9a-f]{64}$/.test(r.tokenSha256)) continue;
    if ((await catalogue.reviewers()).some((x) => x.id === r.id)) continue;
    await catalogue.putReviewer({ id: r.id, name: r.name || r.id, role: 'reviewer', tokenSha256: r.tokenSha256 });
    n++;
  }
  return n;
}
