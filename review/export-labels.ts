// Disagreements become labelled cases: every recording on which a reviewer overrode the machine is
// written in the labelled-recordings format (NAME.mp4 + NAME.meta.json + NAME.labels.json), so the eval
// set grows from real cases. Labels hold only the steps a person decided (the last decision per step);
// the machine's timelines are not copied in as if a person had checked them. Numbers stay masked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Minio from 'minio';
import type { Catalogue, DecisionRow } from '../catalogue/types';
import type { IngestEvidence } from '../evidence/types';
import { reportKeys } from '../evidence/layout';
import { downloadWithSha256, getJson } from '../lib/object-store';
import { maskDeep, maskIdentifier } from '../lib/mask';
import type { Labels, Sidecar } from '../lib/labelled';
import type { Report } from '../report/types';

export interface ExportLabelsSources {
  catalogue: Catalogue;
  s3: Minio.Client;
  buckets: { analyses: string; reports: string };
}

/** The sidecar as a labelled case may carry it: licence and policy numbers masked, photo key dropped. */
export function maskedSidecar(meta: Sidecar): Sidecar {
  const copy = maskDeep(meta);
  if (meta.agent?.licenceNo) copy.agent = { ...copy.agent, licenceNo: maskIdentifier(meta.agent.licenceNo) };
  if (copy.agent?.photoKey) delete copy.agent.photoKey;
  if (meta.policyNo) copy.policyNo = maskIdentifier(meta.policyNo);
  return copy;
}

export async function exportLabels(src: ExportLabelsSources, outDir: string): Promise<{ cases: string[] }> {
  const byRecording = new Map<string, DecisionRow[]>();
  for (const d of await src.catalogue.decisions()) {
    // A decision awaiting a lead's approval is not in effect: not a label yet.
    if (d.pendingApproval && !d.approvedBy) continue;
    byRecording.set(d.recordingId, [...(byRecording.get(d.recordingId) ?? []), d]);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const cases: string[] = [];
  for (const [recordingId, decisions] of [...byRecording].sort(([a], [b]) => a.localeCompare(b))) {
    if (!decisions.some((d) => d.before !== d.after)) continue;
    const row = await src.catalogue.getInspection(recordingId);
    if (!row) continue;
    const first = await getJson<Report>(src.s3, src.buckets.reports, reportKeys(recordingId, 1).json);
    const ingest = first?.evidenceKeys.ingest ? await getJson<IngestEvidence>(src.s3, src.buckets.analyses, first.evidenceKeys.ingest) : null;
    const ext = row.objectKey.match(/\.(mp4|webm|mkv|flv|mov)$/i)?.[0].toLowerCase() ?? '.mp4';
    const name = recordingId;
    await downloadWithSha256(src.s3, { bucket: row.bucket, key: row.objectKey, versionId: row.versionId }, path.join(outDir, `${name}${ext}`));
    if (ingest?.sidecar.status === 'ok') fs.writeFileSync(path.join(outDir, `${name}.meta.json`), `${JSON.stringify(maskedSidecar(ingest.sidecar.meta), null, 2)}\n`);
    const steps: Labels['steps'] = {};
    for (const d of decisions) (steps as Record<string, string>)[d.stepId] = d.after;
    const labels = {
      version: 1,
      steps,
      provenance: {
        recordingId,
        sha256: row.sha256,
        machineVerdict: row.firstVerdict,
        decisions: decisions.map((d) => ({ step: d.stepId, before: d.before, after: d.after, reviewer: d.reviewer, at: d.decidedAt, comment: d.comment })),
      },
    };
    fs.writeFileSync(path.join(outDir, `${name}.labels.json`), `${JSON.stringify(maskDeep(labels), null, 2)}\n`);
    cases.push(name);
  }
  return { cases };
}
