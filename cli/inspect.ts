// `dualqa inspect`: the production path from the command line. A local file is uploaded to the
// recordings bucket first (with its sidecar), then the same workflow as for any landed recording runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getJson } from '../lib/object-store';
import { startInspection } from '../lib/inspections';
import type { Report } from '../report/types';
import type { InspectRecordingResult } from '../workflows/inspect-recording';
import { watchProgress } from './progress';
import type { Session } from './session';

/** What an inspection needs from a session: the stack, a Temporal client, S3 clients. */
export type InspectContext = Pick<Session, 'info' | 'client' | 'uploader' | 'reader'>;

export interface InspectOptions {
  /** No progress line (batch use). */
  quiet?: boolean;
  meta?: string;
  outDir: string;
  rulebook?: string;
  /** Prefix for uploaded files in the recordings bucket. */
  prefix?: string;
}

export interface InspectOutcome {
  result: InspectRecordingResult;
  report: Report;
  jsonPath: string;
  htmlPath: string;
}

export function parseS3Url(target: string): { bucket: string; key: string } | null {
  const m = target.match(/^s3:\/\/([^/]+)\/(.+)$/);
  return m ? { bucket: m[1]!, key: m[2]! } : null;
}

function siblingSidecar(file: string): string | undefined {
  const candidate = file.replace(/\.[^./]+$/, '') + '.meta.json';
  return candidate !== file && fs.existsSync(candidate) ? candidate : undefined;
}

export async function uploadRecording(session: InspectContext, file: string, meta: string | undefined, prefix: string): Promise<{ bucket: string; key: string }> {
  const bucket = session.info.buckets.recordings;
  const key = `${prefix.replace(/\/+$/, '')}/${path.basename(file)}`;
  // The sidecar goes first: an inspection started by discovery then never sees the recording without it.
  const sidecar = meta ?? siblingSidecar(file);
  if (sidecar) {
    await session.uploader.fPutObject(bucket, key.replace(/\.[^./]+$/, '') + '.meta.json', sidecar, { 'Content-Type': 'application/json' });
  }
  await session.uploader.fPutObject(bucket, key, file, { 'Content-Type': 'application/octet-stream' });
  return { bucket, key };
}

async function download(session: InspectContext, bucket: string, key: string, file: string): Promise<void> {
  await session.reader.fGetObject(bucket, key, file);
}

export async function inspect(session: InspectContext, target: string, options: InspectOptions): Promise<InspectOutcome> {
  const s3 = parseS3Url(target);
  let ref: { bucket: string; key: string };
  if (s3) ref = s3;
  else {
    if (!fs.existsSync(target)) throw new Error(`no such file: ${target}`);
    const day = new Date().toISOString().slice(0, 10);
    ref = await uploadRecording(session, target, options.meta, options.prefix ?? `uploads/${day}`);
  }
  const started = await startInspection(session.client, session.reader, { ...ref, rulebook: options.rulebook });
  const handle = session.client.workflow.getHandle(started.workflowId);
  const stop = options.quiet ? () => undefined : await watchProgress(handle, `inspecting ${ref.key}`);
  let result: InspectRecordingResult;
  try {
    result = await started.result();
  } finally {
    stop();
  }
  fs.mkdirSync(options.outDir, { recursive: true });
  const jsonPath = path.join(options.outDir, 'report.json');
  const htmlPath = path.join(options.outDir, 'report.html');
  await download(session, session.info.buckets.reports, result.reportKey, jsonPath);
  await download(session, session.info.buckets.reports, result.htmlKey, htmlPath);
  const report = (await getJson<Report>(session.reader, session.info.buckets.reports, result.reportKey))!;
  return { result, report, jsonPath, htmlPath };
}

const MARK = { PASS: '✔ PASS        ', FAIL: '✘ FAIL        ', CANNOT_JUDGE: '? CANNOT_JUDGE' } as const;

export function formatSummary(outcome: InspectOutcome): string {
  const r = outcome.report;
  const lines = [
    `verdict: ${r.verdict}   (${r.recording.bucket}/${r.recording.key}, sha256 ${r.recording.sha256.slice(0, 16)}…, rulebook ${r.rulebook.id}@${r.rulebook.version}, revision ${r.revision})`,
    '',
  ];
  for (const s of r.steps) {
    const why = s.verdict === 'PASS' ? '' : (s.reasons[0] ?? '');
    lines.push(`  ${MARK[s.verdict]}  ${s.id.padEnd(18)} ${why.length > 110 ? `${why.slice(0, 107)}…` : why}`);
  }
  if (r.defects.length) {
    lines.push('', 'defects:');
    for (const d of r.defects) lines.push(`  ${d.type.padEnd(12)} ${d.at ?? d.from ?? ''}${d.to !== undefined ? `–${d.to}` : ''} s  ${d.reason}`);
  }
  for (const p of r.problems) lines.push(`problem (${p.stage}): ${p.message}`);
  lines.push('', `report: ${outcome.jsonPath}`, `        ${outcome.htmlPath}`);
  return lines.join('\n');
}
