// Report activity: build report.json + report.html from stored evidence and judgement, validate against
// the committed schema, and write them as the next revision through activities/revision-writer.ts (never
// over another's); a retry of the same inspection finds its own revision and returns it.
import { ApplicationFailure } from '@temporalio/activity';
import { getBytes, getJson } from '../lib/object-store';
import { reportKeys } from '../evidence/layout';
import { reportRevisions } from '../evidence/load';
import type { EvidenceKeys } from '../evidence/types';
import type { Judgement } from '../judge/types';
import { buildReport } from '../report/build';
import { renderReportHtml } from '../report/html';
import type { Report, ReportTiming } from '../report/types';
import { validateReport } from '../report/validate';
import type { ActivityDeps } from './deps';
import { ERROR_TYPES } from '../temporal.config';
import { loadEvidence } from './judge';
import { writeNextRevision } from './revision-writer';

export interface WriteReportInput {
  recordingId: string;
  evidenceKeys: EvidenceKeys;
  judgementKey: string;
  failures: Record<string, string>;
  timings: ReportTiming[];
  inspection: { workflowId: string; runId: string };
}

export interface WriteReportResult {
  reportKey: string;
  htmlKey: string;
  revision: number;
  verdict: Report['verdict'];
  summary: string;
}

export function createReportActivities(deps: ActivityDeps) {
  async function required<T>(bucket: string, key: string): Promise<T> {
    const value = await getJson<T>(deps.s3, bucket, key);
    if (value === null) throw ApplicationFailure.nonRetryable(`missing ${bucket}/${key}`, ERROR_TYPES.badInput);
    return value;
  }

  /** The evidence frames a report cites, as data URIs: the page stays one self-contained file. */
  async function thumbnails(report: Report): Promise<Record<string, string>> {
    const keys = [...new Set(report.steps.flatMap((s) => s.evidence.map((e) => e.frameKey)).filter((k): k is string => Boolean(k)))].slice(0, 12);
    const images: Record<string, string> = {};
    for (const key of keys) {
      try {
        images[key] = `data:image/jpeg;base64,${(await getBytes(deps.s3, deps.buckets.analyses, key)).toString('base64')}`;
      } catch (err) {
        deps.logger.warn({ key, err: String(err) }, 'evidence frame missing');
      }
    }
    return images;
  }

  /** The revision this inspection run already wrote, newest first (a retry after the write). */
  async function ownRevision(recordingId: string, inspection: WriteReportInput['inspection']): Promise<{ existing: number; report: Report } | null> {
    for (const revision of (await reportRevisions(deps.s3, deps.buckets.reports, recordingId)).reverse()) {
      const prior = await getJson<Report>(deps.s3, deps.buckets.reports, reportKeys(recordingId, revision).json);
      if (prior && prior.inspection.runId === inspection.runId && prior.inspection.workflowId === inspection.workflowId) return { existing: revision, report: prior };
    }
    return null;
  }

  return {
    async writeReport(input: WriteReportInput): Promise<WriteReportResult> {
      if (!input.evidenceKeys.ingest) throw ApplicationFailure.nonRetryable(`no ingest evidence for ${input.recordingId}`, ERROR_TYPES.badInput);
      const { ingest, integrity, faces, documents, speech } = await loadEvidence(deps, input.evidenceKeys, input.failures);
      const judgement = await required<Judgement>(deps.buckets.analyses, input.judgementKey);
      const writer = `${input.inspection.workflowId}/${input.inspection.runId}`;
      const written = await writeNextRevision<Report>({ s3: deps.s3, bucket: deps.buckets.reports }, input.recordingId, writer, async (_latest, revision) => {
        // A retry of this inspection finds its own revision and returns it.
        const own = await ownRevision(input.recordingId, input.inspection);
        if (own) return own;
        const report = buildReport({
          recordingId: input.recordingId,
          revision,
          createdAt: new Date().toISOString(),
          ingest: ingest!,
          integrity,
          faces,
          documents,
          speech,
          judgement,
          failures: input.failures,
          evidenceKeys: { ...input.evidenceKeys, judgement: input.judgementKey },
          inspection: input.inspection,
          versions: deps.versions,
          timings: input.timings,
        });
        const problems = validateReport(report);
        if (problems.length > 0) {
          throw ApplicationFailure.nonRetryable(`report does not match schemas/report.schema.json: ${problems.slice(0, 5).join('; ')}`, ERROR_TYPES.invalidReport);
        }
        return { report, html: renderReportHtml(report, await thumbnails(report)) };
      });
      const { report, revision } = written;
      deps.logger.info({ recordingId: input.recordingId, revision, verdict: report.verdict }, 'report written');
      return { reportKey: written.reportKey, htmlKey: written.htmlKey, revision, verdict: report.verdict, summary: report.summary };
    },
  };
}
