// report.html: one self-contained page (no scripts, no external assets) that a reviewer or regulator can
// open anywhere: verdict, per-step reasons, a timeline of defects and evidence, and the facts behind them.
import type { Report } from './types';
import type { Verdict } from '../lib/labelled';

const COLOURS: Record<Verdict, string> = { PASS: '#1a7f37', FAIL: '#cf222e', CANNOT_JUDGE: '#9a6700' };
/** Faces row: nobody, one, two (the usual), more than two. */
const FACE_COLOURS = ['#afb8c1', '#bc4c00', '#0969da', '#8250df'];
const LABELS: Record<Verdict, string> = { PASS: '合格 PASS', FAIL: '不合格 FAIL', CANNOT_JUDGE: '无法判断 CANNOT JUDGE' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function clock(seconds: number): string {
  const s = Math.max(0, seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = (s % 60).toFixed(1).padStart(4, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${String(m).padStart(2, '0')}:${sec}`;
}

function badge(v: Verdict): string {
  return `<span class="badge" style="background:${COLOURS[v]}">${LABELS[v]}</span>`;
}

function span(from: number, to?: number): string {
  return to !== undefined && to > from ? `${clock(from)}–${clock(to)}` : clock(from);
}

function timeline(report: Report): string {
  const duration = report.recording.durationS ?? 0;
  if (!(duration > 0)) return '<p class="muted">No timeline: the media duration is unknown.</p>';
  const width = 1000;
  const x = (t: number): number => Math.max(0, Math.min(width, (t / duration) * width));
  const rows: { label: string; marks: { from: number; to: number; title: string; colour: string }[] }[] = [
    {
      label: 'defects',
      marks: report.defects.map((d) => {
        const from = d.at ?? d.from ?? 0;
        const to = d.to ?? (d.at !== undefined ? d.at : duration);
        return { from, to, title: `${d.type} ${span(from, d.to)}: ${d.reason}`, colour: COLOURS.FAIL };
      }),
    },
    {
      label: 'to look at',
      marks: (report.flags ?? []).map((f) => ({ from: f.from, to: f.to ?? f.from, title: `${f.type} ${span(f.from, f.to)}: ${f.reason}`, colour: COLOURS.CANNOT_JUDGE })),
    },
    { label: 'faces', marks: report.faces.map((f) => ({ from: f.from, to: f.to, title: `${span(f.from, f.to)}: ${f.count} face(s)`, colour: FACE_COLOURS[Math.min(f.count, 3)]! })) },
    { label: 'documents', marks: report.documents.map((d) => ({ from: d.from, to: d.to, title: d.type, colour: '#8250df' })) },
    { label: 'speech', marks: report.speech.map((s) => ({ from: s.from, to: s.to, title: s.text, colour: '#1a7f37' })) },
  ];
  const rowH = 22;
  const body = rows
    .map((row, i) => {
      const y = i * rowH + 18;
      const marks = row.marks
        .map((m) => {
          const w = Math.max(3, x(m.to) - x(m.from));
          return `<rect x="${x(m.from).toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${m.colour}"><title>${escapeHtml(m.title)}</title></rect>`;
        })
        .join('');
      const empty = row.marks.length === 0 ? `<text x="6" y="${y + 12}" class="axis">none</text>` : '';
      return `<text x="-6" y="${y + 12}" text-anchor="end" class="axis">${row.label}</text><line x1="0" x2="${width}" y1="${y + rowH - 4}" y2="${y + rowH - 4}" stroke="#d0d7de"/>${marks}${empty}`;
    })
    .join('');
  const ticks = Array.from({ length: 6 }, (_, i) => (duration * i) / 5)
    .map((t) => `<text x="${x(t).toFixed(1)}" y="10" text-anchor="middle" class="axis">${clock(t)}</text>`)
    .join('');
  const height = rows.length * rowH + 24;
  return `<svg viewBox="-90 0 ${width + 110} ${height}" width="100%" role="img" aria-label="timeline">${ticks}${body}</svg>`;
}

export function renderReportHtml(report: Report, images: Record<string, string> = {}): string {
  const r = report.recording;
  const stepRows = report.steps
    .map((s) => {
      const evidence = s.evidence
        .map((e) => {
          const img = e.frameKey && images[e.frameKey] ? `<br><img class="thumb" alt="frame at ${clock(e.from)}" src="${images[e.frameKey]}">` : '';
          return `<li><b>${span(e.from, e.to)}</b> ${escapeHtml(e.kind)}${e.text ? ` — ${escapeHtml(e.text)}` : ''}${img}</li>`;
        })
        .join('');
      const rules = s.rules.map((o) => `<li>${badge(o.verdict)} <code>${escapeHtml(o.ruleId)}</code> ${escapeHtml(o.reason)}</li>`).join('');
      return `<tr id="step-${s.id}"><td><b>${escapeHtml(s.title)}</b><br><code>${s.id}</code></td><td>${badge(s.verdict)}</td><td><ul>${s.reasons.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>${evidence ? `<ul class="evidence">${evidence}</ul>` : ''}<details><summary>rules (${s.rules.length})</summary><ul>${rules}</ul></details></td></tr>`;
    })
    .join('');
  const defects = report.defects.length
    ? `<ul>${report.defects.map((d) => `<li><b>${span(d.at ?? d.from ?? 0, d.to)}</b> <code>${d.type}</code> ${escapeHtml(d.reason)}</li>`).join('')}</ul>`
    : '<p class="muted">No defect above the rulebook thresholds.</p>';
  const flags = report.flags?.length
    ? `<h2>To look at · 待复核</h2><p class="muted">Not defects: one signal only, for a reviewer to settle.</p><ul id="flags">${report.flags.map((f) => `<li><b>${span(f.from, f.to)}</b> <code>${escapeHtml(f.type)}</code> ${escapeHtml(f.reason)}</li>`).join('')}</ul>`
    : '';
  const notes = report.notes.length ? `<h2>Notes</h2><ul>${report.notes.map((n) => `<li>${n.at !== undefined ? `<b>${clock(n.at)}</b> ` : ''}${escapeHtml(n.text)}</li>`).join('')}</ul>` : '';
  const problems = report.problems.length ? `<div class="problem"><h2>Could not inspect fully</h2><ul>${report.problems.map((p) => `<li><b>${escapeHtml(p.stage)}</b>: ${escapeHtml(p.message)}</li>`).join('')}</ul></div>` : '';
  const sidecar = report.sidecar.summary
    ? Object.entries(report.sidecar.summary).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`).join('')
    : `<tr><th>sidecar</th><td>${escapeHtml(report.sidecar.status)}${report.sidecar.problem ? `: ${escapeHtml(report.sidecar.problem)}` : ''}</td></tr>`;
  const media = report.media
    ? `${escapeHtml(report.media.formatName)}; video ${report.media.video ? `${escapeHtml(report.media.video.codec)} ${report.media.video.width}×${report.media.video.height}` : 'none'}; audio ${report.media.audio ? `${escapeHtml(report.media.audio.codec)} ${report.media.audio.sampleRate} Hz` : 'none'}`
    : 'unreadable';
  const timings = report.timings.map((t) => `${escapeHtml(t.activity)} ${(t.ms / 1000).toFixed(1)} s`).join(' · ');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>双录质检报告 ${escapeHtml(report.recordingId)} — ${report.verdict}</title>
<style>
body{font:14px/1.5 system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:24px auto;max-width:1100px;color:#1f2328;padding:0 16px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:24px 0 8px}
.badge{color:#fff;border-radius:4px;padding:1px 8px;font-weight:600;white-space:nowrap;font-size:12px}
.big .badge{font-size:18px;padding:4px 12px}
table{border-collapse:collapse;width:100%} td:nth-child(2){white-space:nowrap} td,th{border-bottom:1px solid #d0d7de;padding:6px 8px;vertical-align:top;text-align:left}
th{color:#59636e;font-weight:500;width:160px} ul{margin:0;padding-left:18px} .evidence{color:#59636e}
.muted,.axis{color:#59636e;fill:#59636e;font-size:11px} code{font-size:12px;background:#f6f8fa;padding:0 3px;border-radius:3px}
.thumb{max-width:320px;border-radius:4px;margin:4px 0;border:1px solid #d0d7de}
.chip{display:inline-block;border:1px solid;border-radius:10px;padding:0 8px;margin:2px 0;font-size:12px;text-decoration:none}
.problem{border:1px solid #cf222e;border-radius:6px;padding:4px 12px;background:#fff5f5} details{margin-top:4px;color:#59636e}
</style></head><body>
<h1>双录质检报告 · Dual-recording inspection</h1>
<p class="big">${badge(report.verdict)} <span>${escapeHtml(report.summary.replace(/^[^—]*— /, ''))}</span></p>
<p>${report.steps.map((s) => `<a href="#step-${s.id}" class="chip" style="border-color:${COLOURS[s.verdict]};color:${COLOURS[s.verdict]}">${s.id}</a>`).join(' ')}</p>
${problems}
<table>
<tr><th>recording</th><td><code>${escapeHtml(r.bucket)}/${escapeHtml(r.key)}</code>${r.versionId ? ` version <code>${escapeHtml(r.versionId)}</code>` : ''}</td></tr>
<tr><th>sha256</th><td><code>${r.sha256}</code> · ${r.sizeBytes.toLocaleString('en')} bytes · ${r.durationS !== null ? clock(r.durationS) : 'duration unknown'}</td></tr>
<tr><th>media</th><td>${media}</td></tr>
${sidecar}
<tr><th>rulebook</th><td><code>${escapeHtml(report.rulebook.id)}@${escapeHtml(report.rulebook.version)}</code>${(report.rulebook.overlays ?? []).map((o) => ` + <code>${escapeHtml(o.id)}@${escapeHtml(o.version)}</code>${o.example ? ' <b>(EXAMPLE overlay, not a real rule)</b>' : ''}`).join('')} (sha256 ${report.rulebook.sha256.slice(0, 12)}…)</td></tr>
<tr><th>inspection</th><td>revision ${report.revision} · ${escapeHtml(report.createdAt)} · workflow <code>${escapeHtml(report.inspection.workflowId)}</code></td></tr>
</table>
<h2>Timeline</h2>
${timeline(report)}
<h2>Key steps · 关键环节</h2>
<table><tr><th>step</th><th>verdict</th><th>why</th></tr>${stepRows}</table>
<h2>Defects</h2>
${defects}
${flags}
${notes}
<p class="muted">engines: dualqa ${escapeHtml(report.engines.dualqa)} · ${escapeHtml(report.engines.ffmpeg)} · ${report.engines.analysers.map((a) => `${escapeHtml(a.name)} ${escapeHtml(a.version)}`).join(', ')}<br>timings: ${timings}</p>
</body></html>
`;
}
