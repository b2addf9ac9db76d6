// Signed-in reviewers: a random session id in an HttpOnly, SameSite=Strict cookie; the database keeps
// only its sha256, with the reviewer and an expiry eight hours on. Servers keep nothing: a restart keeps
// everyone signed in, N servers share the sessions, and every request re-reads the reviewer, so a
// removed or disabled reviewer is refused on their next request.
import { createHash, randomBytes } from 'node:crypto';
import type { Catalogue } from '../catalogue/types';
import type { Reviewer } from './reviewers';

export const SESSION_COOKIE = 'dualqa_session';
const LIFETIME_MS = 8 * 3600 * 1000;

export function sessionKey(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

export class Sessions {
  constructor(private readonly catalogue: Catalogue) {}

  async open(reviewer: Reviewer): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.catalogue.openSession(sessionKey(id), reviewer.id, new Date(Date.now() + LIFETIME_MS));
    return id;
  }

  /** The session's reviewer; null without a cookie, for an unknown or expired session, or a reviewer removed or disabled. */
  async find(cookieHeader: string | undefined): Promise<{ key: string; reviewer: Reviewer } | null> {
    const id = parseCookies(cookieHeader)[SESSION_COOKIE];
    if (!id || id.length > 100) return null;
    const key = sessionKey(id);
    const reviewer = await this.catalogue.sessionReviewer(key);
    return reviewer ? { key, reviewer } : null;
  }

  async close(key: string): Promise<void> {
    await this.catalogue.closeSession(key);
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) {
      try {
        out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        // a malformed cookie is ignored
      }
    }
  }
  return out;
}

export function sessionCookie(id: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${LIFETIME_MS / 1000}${secure ? '; Secure' : ''}`;
}
