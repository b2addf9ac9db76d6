// The storage layout: every object key dualqa writes or looks for is built and parsed here, so a change
// of layout is one edit and a key read back is always parsed the way it was built.
//
// recordings bucket   <key>                       the original (never written by dualqa)
//                     <key without extension>.meta.json   its sidecar
// analyses bucket     <recordingId>/ingest.json, integrity.json, faces.json, documents.json, speech[.<tag>].json
//                     <recordingId>/frames/…jpg    evidence frames cited by reports
//                     <recordingId>/profile/media.json, speech.json   time per stage of each analysis (bench/)
//                     <recordingId>/judgements/<rulebook ref>.json
//                     _discovery/<bucket>[/<prefix>].json   the discovery sweep's watermark
// reports bucket      <recordingId>/r<N>/report.json, report.html, report.sig.json, claim.json   (N = 1, 2, …; never overwritten)

export const SIDECAR_SUFFIX = '.meta.json';

/** Object keys that name a recording (what discovery and the webhook start inspections for). */
const RECORDING_EXTENSIONS = /\.(mp4|m4v|mov|mkv|webm|flv|avi|ts|mts|3gp|mpg|mpeg|wmv|mp3|m4a|wav)$/i;

export function isRecordingKey(key: string): boolean {
  return RECORDING_EXTENSIONS.test(key);
}

/** A recording's extension: the last dot-part of its file name, up to 8 characters. */
const EXTENSION = /\.[^./]{1,8}$/;

/** The key of a recording without its extension (the sidecar's stem). */
export function recordingStem(recordingKey: string): string {
  return recordingKey.replace(EXTENSION, '');
}

/** Where a recording's sidecar lives: beside it, `NAME.meta.json`. */
export function sidecarKeyOf(recordingKey: string): string {
  return recordingStem(recordingKey) + SIDECAR_SUFFIX;
}

export function isSidecarKey(key: string): boolean {
  return key.endsWith(SIDECAR_SUFFIX);
}

/** The stem a sidecar key belongs to (its recording is the stem plus some media extension). */
export function stemOfSidecar(sidecarKey: string): string {
  return sidecarKey.slice(0, -SIDECAR_SUFFIX.length);
}

export type EvidenceKind = 'ingest' | 'integrity' | 'faces' | 'documents' | 'speech';

export function analysesPrefix(recordingId: string): string {
  return `${recordingId}/`;
}

/** One evidence document; a tag keeps a re-analysis beside the first analysis instead of over it. */
export function evidenceKey(recordingId: string, kind: EvidenceKind, tag?: string): string {
  const safeTag = tag?.replace(/[^A-Za-z0-9-]/g, '');
  return `${analysesPrefix(recordingId)}${kind}${safeTag ? `.${safeTag}` : ''}.json`;
}

/** Where one analysis spent its time, stage by stage (lib/profile.ts): `<recordingId>/profile/<half>[.<tag>].json`. Not evidence: no check reads it. */
export function profileKey(recordingId: string, half: 'media' | 'speech', tag?: string): string {
  const safeTag = tag?.replace(/[^A-Za-z0-9-]/g, '');
  return `${analysesPrefix(recordingId)}profile/${half}${safeTag ? `.${safeTag}` : ''}.json`;
}

export function facesFrameKey(recordingId: string, atS: number): string {
  return `${analysesPrefix(recordingId)}frames/faces-${atS.toFixed(1)}s.jpg`;
}

export function documentFrameKey(recordingId: string, showingId: number, atS: number): string {
  return `${analysesPrefix(recordingId)}frames/document-${showingId}-${atS.toFixed(1)}s.jpg`;
}

/** A judgement, named by the rulebook reference that produced it (`id@version+overlay@version…`). */
export function judgementKey(recordingId: string, rulebookRef: string): string {
  return `${analysesPrefix(recordingId)}judgements/${rulebookRef}.json`;
}

export function discoveryStateKey(bucket: string, prefix?: string): string {
  return `_discovery/${bucket}${prefix ? `/${prefix.replace(/\/+$/, '')}` : ''}.json`;
}

export interface ReportRevisionKeys {
  json: string;
  html: string;
  signature: string;
  /** Created first, only if absent: whoever creates it owns revision N (activities/revision-writer.ts). */
  claim: string;
}

export function reportKeys(recordingId: string, revision: number): ReportRevisionKeys {
  const dir = `${recordingId}/r${revision}/`;
  return { json: `${dir}report.json`, html: `${dir}report.html`, signature: `${dir}report.sig.json`, claim: `${dir}claim.json` };
}

/** The prefix under which every revision of one recording's report is listed. */
export function reportRevisionsPrefix(recordingId: string): string {
  return `${recordingId}/r`;
}

const REPORT_JSON = /^(.+)\/r(\d+)\/report\.json$/;

/** Recording and revision of a `…/r<N>/report.json` key; null for any other key. */
export function parseReportKey(key: string): { recordingId: string; revision: number } | null {
  const m = REPORT_JSON.exec(key);
  return m ? { recordingId: m[1]!, revision: Number(m[2]) } : null;
}

/** The signature beside a stored report (`report.json` → `report.sig.json`), in a bucket or a folder. */
export function signatureKeyOf(reportKey: string): string {
  return reportKey.replace(/\.json$/, '.sig.json');
}
