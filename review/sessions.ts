// Signed-in reviewers: a random session id in an HttpOnly, SameSite=Strict cookie, held in memory for
// eight hours. A restart of the server signs everyone out, which is acceptable for review work.
import { randomBytes } from 'node:crypto';
import type { Reviewer } from './reviewers';

export const SESSION_COOKIE = 'dualqa_session';
const LIFETIME_MS = 8 * 3600 * 1000;

export class Sessions {
  private readonly byId = new Map<string, { reviewer: Reviewer; expires: number }>();

  open(reviewer: Reviewer): string {
    const id = randomBytes(32).toString('base64url');
    this.byId.set(id, { reviewer, expires: Date.now() + LIFETIME_MS });
    return id;
  }

  find(cookieHeader: string | undefined): { id: string; reviewer: Reviewer } | null {
    const id = parseCookies(cookieHeader)[SESSION_COOKIE];
    const session = id ? this.byId.get(id) : undefined;
    if (!id || !session) return null;
    if (session.expires < Date.now()) {
      this.byId.delete(id);
      return null;
    }
    return { id, reviewer: session.reviewer };
  }

  close(id: string): void {
    this.byId.delete(id);
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

export function sessionCookie(id: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${LIFETIME_MS / 1000}${secure ? '; Secure' : ''}`;
}
