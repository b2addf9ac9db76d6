// `dualqa review serve`: the reviewers' web server (node:http, no framework). Every route but sign-in needs
// a session; recordings are streamed from the private bucket through this server with HTTP Range support;
// every view, media access and decision is written to the catalogue's audit; decisions go to the review
// workflow as Temporal Updates. The server holds no state: sessions, reviewers, refused sign-ins and the
// audit are rows in the catalogue database, so it can be restarted or run N times side by side.
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type * as Minio from 'minio';
import type { KeyObject } from 'node:crypto';
import { RefusalCounter } from './refusals';
import type { Catalogue, InspectionFilter, Role } from '../catalogue/types';
import { catalogueReport, syncCatalogue } from '../catalogue/sync';
import { getBytes } from '../lib/object-store';
import { reportKeys } from '../evidence/layout';
import type { Logger } from '../lib/logger';
import { maskText } from '../lib/mask';
import type { Verdict } from '../lib/labelled';
import type { ReviewedReport } from '../decisions/apply';
import { auditPage, loginPage, page, queuePage, recordingPage, REVIEW_SCRIPT } from './pages';
import { dashboardBody, dashboardCsv, type DashboardData } from './dashboard';
import { DASHBOARD_DIMENSIONS } from '../catalogue/types';
import { reviewerForToken, type Reviewer } from './reviewers';
import { Sessions, sessionCookie } from './sessions';
import { DecisionRefused, openReview, submitApproval, submitDecision } from './submit';
import { streamRecording } from './media';

export interface ReviewServerDeps {
  catalogue: Catalogue;
  s3: Minio.Client;
  buckets: { recordings: string; analyses: string; reports: string };
  temporal: Client;
  logger: Logger;
  secureCookies?: boolean;
  /** Checks each catalogued revision's signature (absent: 'unchecked'). */
  trustedKey?: KeyObject | null;
  /** DUALQA_HASH_KEY, for the agent's keyed hash in the catalogue. */
  hashKey?: string | null;
  /** Refused sign-ins allowed per account and per address within `window` before sign-in is refused outright. */
  signInLimits?: { perAccount: number; perAddress: number; windowMs: number };
}

/** What each role may do on the server. */
export const PERMISSIONS = {
  read: ['reviewer', 'lead', 'auditor'],
  decide: ['reviewer', 'lead'],
  approve: ['lead'],
  audit: ['lead', 'auditor'],
  dashboard: ['reviewer', 'lead', 'auditor', 'regulator-export'],
} as const satisfies Record<string, readonly Role[]>;

export function may(role: Role, what: keyof typeof PERMISSIONS): boolean {
  return (PERMISSIONS[what] as readonly Role[]).includes(role);
}

const DEFAULT_SIGN_IN_LIMITS = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 };

export interface RunningReviewServer {
  url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; media-src 'self'; frame-ancestors 'none'",
};

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    body += chunk.toString('utf8');
    if (body.length > 64 * 1024) throw new HttpError(413, 'form too large');
  }
  return new URLSearchParams(body);
}

function send(res: http.ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8', headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, ...headers });
  res.end(body);
}

function redirect(res: http.ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { ...SECURITY_HEADERS, Location: location, ...headers });
  res.end();
}

function isoDay(value: string | null, endOfDay: boolean): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  return `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z`;
}

export function queueFilter(q: URLSearchParams): InspectionFilter & { verdict: string } {
  const verdict = q.get('verdict') ?? 'needs-review';
  const verdicts: Verdict[] = verdict === 'needs-review' ? ['FAIL', 'CANNOT_JUDGE'] : (['PASS', 'FAIL', 'CANNOT_JUDGE'] as const).filter((v) => v === verdict);
  const sort = (['recordedAt', 'inspectedAt', 'verdict', 'channel', 'productType'] as const).find((s) => s === q.get('sort')) ?? 'recordedAt';
  return {
    verdict,
    verdicts,
    channel: q.get('channel') || undefined,
    productType: q.get('product') || undefined,
    from: isoDay(q.get('from'), false),
    to: isoDay(q.get('to'), true),
    reviewer: q.get('reviewer') || undefined,
    sort,
    descending: q.get('order') !== 'asc',
    limit: 500,
  };
}

/** A path segment decoded; a malformed percent-encoding is the caller's error (400), never a 500. */
function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'malformed path');
  }
}

/** The host of an Origin header; an unparsable one matches no host (the form is refused, not a 500). */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

export async function startReviewServer(deps: ReviewServerDeps, port = 0, host = '127.0.0.1'): Promise<RunningReviewServer> {
  const sessions = new Sessions(deps.catalogue);
  const sources = { s3: deps.s3, buckets: deps.buckets, trustedKey: deps.trustedKey ?? null, hashKey: deps.hashKey ?? null };
  const limits = deps.signInLimits ?? DEFAULT_SIGN_IN_LIMITS;
  const refusals = new RefusalCounter(limits.perAddress * 5, limits.windowMs, (kind, address, count) => deps.logger.warn({ kind, address, count }, 'refusals in one window'));
  // Only paces this server's reads of the bucket and rollup refreshes; nothing a restart would lose.
  let lastSync = 0;
  let lastRefresh = 0;

  /** Catalogues new report revisions, and opens a review workflow for each new recording that needs one. */
  async function syncSoon(): Promise<void> {
    if (Date.now() - lastSync < 3000) return;
    lastSync = Date.now();
    const { newRecordings, added } = await syncCatalogue(deps.catalogue, sources);
    // The dashboard's weekly rollups: at most once a minute (seconds of work at a million recordings).
    if (added > 0 && Date.now() - lastRefresh > 60_000) {
      lastRefresh = Date.now();
      await deps.catalogue.refreshDashboard();
    }
    for (const recordingId of newRecordings) {
      const row = await deps.catalogue.getInspection(recordingId);
      if (!row || row.verdict === 'PASS') continue;
      const latest = (await deps.catalogue.revisions(row.recordingId)).at(-1);
      if (!latest) continue;
      await openReview(deps.temporal, row.recordingId, { revision: latest.revision, steps: latest.steps }).catch((err: unknown) =>
        deps.logger.warn({ recordingId: row.recordingId, err: String(err) }, 'review workflow not opened (the first decision opens it)'),
      );
    }
  }

  async function latestReport(recordingId: string, revision: number): Promise<ReviewedReport> {
    return JSON.parse((await getBytes(deps.s3, deps.buckets.reports, reportKeys(recordingId, revision).json)).toString('utf8')) as ReviewedReport;
  }

  async function inspectionOr404(recordingId: string) {
    let row = await deps.catalogue.getInspection(recordingId);
    if (!row) {
      lastSync = 0;
      await syncSoon();
      row = await deps.catalogue.getInspection(recordingId);
    }
    if (!row) throw new HttpError(404, 'no such recording');
    return row;
  }

  async function showRecording(res: http.ServerResponse, reviewer: Reviewer, recordingId: string, status = 200, message?: { kind: 'error' | 'ok'; text: string }): Promise<void> {
    const row = await inspectionOr404(recordingId);
    await deps.catalogue.audit({ actor: reviewer.id, action: 'view-recording', recordingId, detail: `revision r${row.latestRevision}` });
    const report = await latestReport(recordingId, row.latestRevision);
    const html = recordingPage({
      who: reviewer.name,
      row,
      report,
      revisions: await deps.catalogue.revisions(recordingId),
      decisions: await deps.catalogue.decisions(recordingId),
      audit: await deps.catalogue.auditEntries({ recordingId, limit: 50 }),
      message,
      newDecisionId: () => randomUUID(),
      canDecide: may(reviewer.role, 'decide'),
      canApprove: may(reviewer.role, 'approve'),
      viewerId: reviewer.id,
    });
    send(res, status, html);
  }

  async function decide(req: http.IncomingMessage, res: http.ServerResponse, reviewer: Reviewer, recordingId: string): Promise<void> {
    const form = await readForm(req);
    const row = await inspectionOr404(recordingId);
    const report = await latestReport(recordingId, row.latestRevision);
    const decision = {
      decisionId: form.get('decisionId') ?? randomUUID(),
      reviewer: reviewer.id,
      stepId: form.get('stepId') ?? '',
      before: (form.get('before') ?? '') as Verdict,
      after: (form.get('after') ?? '') as Verdict,
      comment: form.get('comment') ?? '',
      basedOnRevision: Number(form.get('revision')) || report.revision,
    };
    try {
      const result = await submitDecision(deps.temporal, recordingId, { revision: report.revision, steps: report.steps.map((s) => ({ id: s.id, verdict: s.verdict })) }, decision);
      await catalogueReport(deps.catalogue, sources, result.reportKey);
      const pending = result.pendingApproval === true;
      await deps.catalogue.addDecision({ ...decision, comment: maskText(decision.comment), recordingId, revision: result.revision, decidedAt: result.decidedAt, pendingApproval: pending });
      await deps.catalogue.audit({
        actor: reviewer.id,
        action: 'decide',
        recordingId,
        detail: maskText(`${decision.stepId} ${decision.before} → ${decision.after} (r${result.revision}${pending ? ", pending a lead's approval" : ''}): ${decision.comment}`),
      });
      redirect(res, `/r/${encodeURIComponent(recordingId)}?decided=${result.revision}${pending ? '&pending=1' : ''}`);
    } catch (err) {
      if (!(err instanceof DecisionRefused)) throw err;
      await deps.catalogue.audit({ actor: reviewer.id, action: 'decision-refused', recordingId, detail: `${decision.stepId}: ${err.message}` });
      await showRecording(res, reviewer, recordingId, 409, { kind: 'error', text: `Decision refused: ${err.message}` });
    }
  }

  async function approve(req: http.IncomingMessage, res: http.ServerResponse, lead: Reviewer, recordingId: string): Promise<void> {
    const form = await readForm(req);
    await inspectionOr404(recordingId);
    const approval = { approvalId: form.get('approvalId') ?? randomUUID(), decisionId: form.get('decisionId') ?? '', lead: lead.id, comment: form.get('comment') ?? '' };
    try {
      const result = await submitApproval(deps.temporal, recordingId, approval);
      await catalogueReport(deps.catalogue, sources, result.reportKey);
      await deps.catalogue.addApproval({ approvalId: approval.approvalId, decisionId: approval.decisionId, recordingId, revision: result.revision, lead: lead.id, comment: maskText(approval.comment), approvedAt: result.decidedAt });
      await deps.catalogue.audit({ actor: lead.id, action: 'approve', recordingId, detail: maskText(`decision ${approval.decisionId} (r${result.revision}): ${approval.comment}`) });
      redirect(res, `/r/${encodeURIComponent(recordingId)}?approved=${result.revision}`);
    } catch (err) {
      if (!(err instanceof DecisionRefused)) throw err;
      await deps.catalogue.audit({ actor: lead.id, action: 'approval-refused', recordingId, detail: `${approval.decisionId}: ${err.message}` });
      await showRecording(res, lead, recordingId, 409, { kind: 'error', text: `Approval refused: ${err.message}` });
    }
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://review.local');
    const method = req.method ?? 'GET';
    const address = (): string => req.socket.remoteAddress ?? 'unknown';
    if (url.pathname === '/login' && method === 'GET') return send(res, 200, loginPage());
    if (url.pathname === '/login' && method === 'POST') {
      const form = await readForm(req);
      const account = (form.get('account') ?? '').trim().slice(0, 64) || null;
      const address = req.socket.remoteAddress ?? 'unknown';
      // Refused sign-ins are counted in the database, so every server sees them.
      const refused = await deps.catalogue.refusedSignIns(account, address, new Date(Date.now() - limits.windowMs));
      if (refused.account >= limits.perAccount || refused.address >= limits.perAddress) {
        // The throttle itself is audited once per address and window, not once per hammering request.
        if (refusals.note('login-throttled', address).first) await deps.catalogue.audit({ actor: account ?? 'anonymous', action: 'login-throttled', recordingId: null, detail: address });
        return send(res, 429, loginPage('Too many refused sign-ins: wait a few minutes.'), 'text/html; charset=utf-8', { 'Retry-After': String(Math.ceil(limits.windowMs / 1000)) });
      }
      const reviewer = account ? await reviewerForToken(deps.catalogue, form.get('token') ?? '', account) : null;
      if (!reviewer) {
        await deps.catalogue.refuseSignIn(account, address);
        await deps.catalogue.audit({ actor: 'anonymous', action: 'login-refused', recordingId: null, detail: `${account ?? ''} from ${address}` });
        return send(res, 401, loginPage('Unknown reviewer or token.'));
      }
      await deps.catalogue.audit({ actor: reviewer.id, action: 'login', recordingId: null, detail: '' });
      return redirect(res, '/', { 'Set-Cookie': sessionCookie(await sessions.open(reviewer), Boolean(deps.secureCookies)) });
    }

    const session = await sessions.find(req.headers.cookie);
    if (!session) {
      if (url.pathname.startsWith('/media/')) {
        // Counted in memory; one audit row per address and window, 429 past the limit (no database work).
        const seen = refusals.note('media-refused', address());
        if (seen.limited) return send(res, 429, 'too many requests\n', 'text/plain', { 'Retry-After': String(Math.ceil(limits.windowMs / 1000)) });
        if (seen.first) await deps.catalogue.audit({ actor: 'anonymous', action: 'media-refused', recordingId: segment(url.pathname.slice(7)), detail: address() });
        return send(res, 401, 'sign in first\n', 'text/plain');
      }
      return url.pathname.startsWith('/static/') ? send(res, 401, 'sign in first\n', 'text/plain') : send(res, 401, loginPage());
    }
    const reviewer = session.reviewer;
    if (method === 'POST') {
      // SameSite=Strict already keeps other sites' forms out; an Origin from elsewhere is refused too.
      const origin = req.headers.origin;
      if (origin && origin !== 'null' && originHost(origin) !== req.headers.host) throw new HttpError(403, 'cross-origin form refused');
    }
    if (url.pathname === '/logout' && method === 'POST') {
      await sessions.close(session.key);
      await deps.catalogue.audit({ actor: reviewer.id, action: 'logout', recordingId: null, detail: '' });
      return redirect(res, '/login', { 'Set-Cookie': sessionCookie('', false).replace(/Max-Age=\d+/, 'Max-Age=0') });
    }
    if (url.pathname === '/static/review.js') return send(res, 200, REVIEW_SCRIPT, 'text/javascript; charset=utf-8');
    const allow = async (what: keyof typeof PERMISSIONS, recordingId: string | null = null): Promise<void> => {
      if (may(reviewer.role, what)) return;
      await deps.catalogue.audit({ actor: reviewer.id, action: 'forbidden', recordingId, detail: `${reviewer.role} may not ${what}: ${method} ${url.pathname}` });
      throw new HttpError(403, `your role (${reviewer.role}) may not ${what}`);
    };
    if (url.pathname === '/' && method === 'GET') {
      await allow('read');
      await syncSoon();
      const filter = queueFilter(url.searchParams);
      const rows = await deps.catalogue.listInspections(filter);
      await deps.catalogue.audit({ actor: reviewer.id, action: 'view-queue', recordingId: null, detail: url.search });
      return send(res, 200, queuePage(reviewer.name, rows, filter, await deps.catalogue.facets()));
    }
    if ((url.pathname === '/dashboard' || url.pathname === '/dashboard.csv') && method === 'GET') {
      await allow('dashboard');
      await syncSoon();
      const day = (v: string | null, fallback: string) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00.000Z` : fallback);
      const to = day(url.searchParams.get('to'), new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) + 'T00:00:00.000Z');
      const from = day(url.searchParams.get('from'), new Date(Date.parse(to) - 365 * 86_400_000).toISOString());
      const dimension = DASHBOARD_DIMENSIONS.find((k) => k === url.searchParams.get('by')) ?? 'channel';
      // Agents: on the page those with at least `min` recordings (default 10; a rate of 3 recordings says little),
      // the 20 highest FAIL rates; in the CSV every agent.
      const minRecordings = Math.max(1, Math.min(100_000, Number(url.searchParams.get('min')) || 10));
      const agents = url.pathname === '/dashboard.csv' ? await deps.catalogue.agentSteps(from, to) : await deps.catalogue.agentSteps(from, to, { minRecordings, limit: 20 });
      const data: DashboardData = { from, to, dimension, ...(await deps.catalogue.dashboard(from, to, dimension)), overrides: await deps.catalogue.ruleOverrides(from, to), agents, minRecordings };
      await deps.catalogue.audit({ actor: reviewer.id, action: url.pathname === '/dashboard' ? 'view-dashboard' : 'export-dashboard', recordingId: null, detail: url.search });
      if (url.pathname === '/dashboard.csv') {
        return send(res, 200, dashboardCsv(data), 'text/csv; charset=utf-8', { 'Content-Disposition': `attachment; filename="dualqa-dashboard-${from.slice(0, 10)}-${to.slice(0, 10)}-${dimension}.csv"` });
      }
      return send(res, 200, page('Dashboard', dashboardBody(data), reviewer.name));
    }
    if (url.pathname === '/audit' && method === 'GET') {
      await allow('audit');
      await deps.catalogue.audit({ actor: reviewer.id, action: 'view-audit', recordingId: null, detail: '' });
      return send(res, 200, auditPage(reviewer.name, await deps.catalogue.auditEntries({ limit: 500 })));
    }
    let m = url.pathname.match(/^\/media\/([^/]+)$/);
    if (m && (method === 'GET' || method === 'HEAD')) {
      const recordingId = segment(m[1]!);
      await allow('read', recordingId);
      const row = await inspectionOr404(recordingId);
      // One audit line per session and recording: a player makes many range requests.
      if (await deps.catalogue.firstMediaView(session.key, recordingId)) {
        await deps.catalogue.audit({ actor: reviewer.id, action: 'view-media', recordingId, detail: '' });
      }
      return streamRecording(deps.s3, row, req, res, SECURITY_HEADERS);
    }
    m = url.pathname.match(/^\/r\/([^/]+)$/);
    if (m && method === 'GET') {
      await allow('read', segment(m[1]!));
      const decided = url.searchParams.get('decided');
      const approved = url.searchParams.get('approved');
      const text = approved
        ? `Approved: new report revision r${Number(approved)}.`
        : decided
          ? url.searchParams.get('pending')
            ? `Decision recorded as report revision r${Number(decided)}, pending a lead's approval (the verdict stays FAIL until then).`
            : `Decision recorded: new report revision r${Number(decided)}.`
          : undefined;
      return showRecording(res, reviewer, segment(m[1]!), 200, text ? { kind: 'ok', text } : undefined);
    }
    m = url.pathname.match(/^\/r\/([^/]+)\/decide$/);
    if (m && method === 'POST') {
      await allow('decide', segment(m[1]!));
      return decide(req, res, reviewer, segment(m[1]!));
    }
    m = url.pathname.match(/^\/r\/([^/]+)\/approve$/);
    if (m && method === 'POST') {
      await allow('approve', segment(m[1]!));
      return approve(req, res, reviewer, segment(m[1]!));
    }
    m = url.pathname.match(/^\/r\/([^/]+)\/report\/(\d+)$/);
    if (m && method === 'GET') {
      const recordingId = segment(m[1]!);
      await allow('read', recordingId);
      await inspectionOr404(recordingId);
      await deps.catalogue.audit({ actor: reviewer.id, action: 'view-report', recordingId, detail: `r${m[2]}` });
      const html = await getBytes(deps.s3, deps.buckets.reports, reportKeys(recordingId, Number(m[2])).html);
      return send(res, 200, html.toString('utf8'), 'text/html; charset=utf-8', { 'Content-Security-Policy': "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox" });
    }
    throw new HttpError(404, 'not found');
  }

  const server = http.createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) deps.logger.error({ err: String(err), path: req.url?.replace(/\?.*/, '') }, 'review server error');
      if (!res.headersSent) send(res, status, `${status === 500 ? 'internal error' : (err as Error).message}\n`, 'text/plain; charset=utf-8');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
