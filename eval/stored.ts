// The eval's evidence kept beside its reports, and an eval that judges that kept evidence again without a
// stack: the analysers ran once, so a rulebook author measures a rule change over a whole labelled folder
// in seconds (`dualqa eval DIR --from-evidence OUT`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EvidenceSet } from '../evidence/types';
import { judge } from '../judge/judge';
import { buildReport } from '../report/build';
import type { Report } from '../report/types';
import { labelsSchema } from '../lib/labelled';
import { loadRulebook } from '../rules/load';
import { applyOverlays, loadOverlays } from '../rules/overlays';
import { evaluate, type EvalCase, type EvalFigures } from './metrics';
import { listCases, robustnessCondition } from './cases';
import { readVariety } from './variety';

const EVIDENCE_FILE = 'evidence.json';
/** The analysers whose failures a report lists under their own stage (workflows/inspect-recording.ts). */
const ANALYSER_STAGES: ReadonlySet<string> = new Set(['integrity', 'faces', 'documents', 'speech']);

interface KeptEvidence {
  recordingId: string;
  evidence: EvidenceSet;
  evidenceKeys: Record<string, string>;
  report: Pick<Report, 'inspection' | 'engines' | 'timings'>;
}

/** Keeps what a report was judged from in `caseDir/evidence.json`. */
export function keepEvidence(caseDir: string, report: Report, evidence: Omit<EvidenceSet, 'failures'>): void {
  const failures = Object.fromEntries(report.problems.filter((p) => ANALYSER_STAGES.has(p.stage)).map((p) => [p.stage, p.message]));
  const kept: KeptEvidence = {
    recordingId: report.recordingId,
    evidence: { ...evidence, failures },
    evidenceKeys: report.evidenceKeys,
    report: { inspection: report.inspection, engines: report.engines, timings: report.timings },
  };
  fs.writeFileSync(path.join(caseDir, EVIDENCE_FILE), `${JSON.stringify(kept)}\n`);
}

/** The eval's hash key, kept only when the eval made a throw-away one (a deployment key never goes to disk). */
export function keepEvalHashKey(outDir: string, key: string | undefined): void {
  if (key?.startsWith('eval-')) fs.writeFileSync(path.join(outDir, 'eval-hash-key'), key, { mode: 0o600 });
}

/** Judges the evidence an earlier eval kept in `evidenceDir` with `rulebookRef`, and measures it against `dir`'s labels. */
export function evaluateStored(dir: string, evidenceDir: string, rulebookRef?: string): { figures: EvalFigures; cases: EvalCase[] } {
  const base = loadRulebook(rulebookRef);
  const overlays = loadOverlays();
  const evaluated: EvalCase[] = [];
  for (const c of listCases(dir)) {
    const file = path.join(evidenceDir, c.name, EVIDENCE_FILE);
    if (!fs.existsSync(file)) throw new Error(`${file}: no kept evidence for case ${c.name} (run \`dualqa eval ${dir}\` first)`);
    const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as KeptEvidence;
    const { ingest, integrity, faces, documents, speech, failures = {} } = kept.evidence;
    if (!ingest) throw new Error(`${file}: no ingest evidence`);
    const sidecar = ingest.sidecar.status === 'ok' ? ingest.sidecar.meta : undefined;
    const rulebook = applyOverlays(base, overlays, sidecar);
    const judgement = judge(kept.evidence, rulebook);
    const report = buildReport({
      recordingId: kept.recordingId,
      revision: 0,
      createdAt: new Date(0).toISOString(),
      ingest,
      integrity,
      faces,
      documents,
      speech,
      judgement,
      failures,
      evidenceKeys: kept.evidenceKeys,
      inspection: kept.report.inspection,
      versions: { dualqa: kept.report.engines.dualqa, ffmpeg: kept.report.engines.ffmpeg },
      timings: kept.report.timings,
    });
    evaluated.push({
      name: c.name,
      labels: labelsSchema.parse(JSON.parse(fs.readFileSync(c.labels, 'utf8'))),
      report,
      ...(documents ? { documentShowings: documents.showings } : {}),
      ...(speech ? { speechEngine: `${speech.engine} ${speech.model.name}@${speech.model.version}` } : {}),
      ...(c.robustness ? { condition: robustnessCondition(c.robustness) } : {}),
      ...(c.variety ? { variety: readVariety(c.variety) } : {}),
    });
  }
  const keyFile = path.join(evidenceDir, 'eval-hash-key');
  const hashKey = fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : process.env.DUALQA_HASH_KEY;
  return { figures: evaluate(evaluated, 1, hashKey ? { hashKey } : {}), cases: evaluated };
}
