// `dualqa inspect`'s output: the report summarised in a terminal, one line per step.
import type { InspectOutcome } from '../intake/inspect';

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
