// The review pages as plain HTML strings. Every value shown passes through esc(), which also masks
// personal numbers, so no page can show an ID or licence number whole. Seeking is done by /static/review.js
// (no inline script: the Content-Security-Policy allows scripts from this server only).
import { maskText } from '../lib/mask';
import type { AuditRow, DecisionRow, InspectionFilter, InspectionRow, RevisionRow } from '../catalogue/types';
import type { ReviewedReport } from '../decisions/apply';
import { SPEECH_LANE_STYLE, speechLane, speechLegend } from './speech-lane';

export function esc(value: string | number | null | undefined): string {
  return maskText(String(value ?? '')).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body{font:14px/1.45 system-ui,'WenQuanYi Zen Hei',sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2a44;color:#fff;padding:10px 20px;display:flex;gap:20px;align-items:center}
header a{color:#cfe0ff}main{padding:16px 20px;max-width:1200px}
table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e3e6ea;padding:6px 8px;text-align:left;vertical-align:top}
.v-FAIL{color:#b3261e;font-weight:600}.v-PASS{color:#1e7b34;font-weight:600}.v-CANNOT_JUDGE{color:#8a5a00;font-weight:600}
form.filters{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:12px;align-items:end}form.filters label{display:flex;flex-direction:column;font-size:12px}
.layout{display:grid;grid-template-columns:minmax(320px,1fr) minmax(320px,1fr);gap:16px}
video{width:100%;background:#000}.timeline{position:relative;background:#fff;border:1px solid #d5d9de;margin:8px 0}
.track{position:relative;height:18px;border-bottom:1px solid #eef0f2}.track span.label{position:absolute;left:4px;font-size:11px;color:#667;z-index:2}
.seg{position:absolute;top:2px;height:14px;border-radius:2px;opacity:.75}.seg.faces{background:#6b9bd1}.seg.faces.c1{background:#e0a040}.seg.faces.c0{background:#d05050}
.seg.documents{background:#7cb87c}.seg.speech{background:#a58bd1}.seg.defects{background:#d03030}
button.flag{border:1px solid #b3261e;background:#fff0ef;color:#b3261e;border-radius:10px;padding:1px 8px;cursor:pointer;margin:2px}
.step{background:#fff;border:1px solid #d5d9de;padding:8px 10px;margin-bottom:8px}.step h3{margin:0 0 4px;font-size:15px}
.step form{display:flex;gap:6px;flex-wrap:wrap;align-items:center;margin-top:6px}.step textarea{flex:1 1 100%;min-height:38px}
.error{background:#fde7e6;border:1px solid #b3261e;padding:8px;margin-bottom:10px}.ok{background:#e6f4ea;border:1px solid #1e7b34;padding:8px;margin-bottom:10px}
small{color:#667}figure.chart{background:#fff;border:1px solid #d5d9de;margin:0 0 12px;padding:8px}figure.chart figcaption{font-weight:600;margin-bottom:4px}.legend{font-size:12px}
.wide{overflow-x:auto;max-width:100%}table#agents th{font-size:12px;overflow-wrap:anywhere}${SPEECH_LANE_STYLE}`;

export function page(title: string, body: string, who?: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)} · dualqa review</title><style>${STYLE}</style></head><body>
<header><strong>dualqa review 双录复核</strong><a href="/">Queue 队列</a><a href="/dashboard">Dashboard 看板</a><a href="/audit">Audit 审计</a>${who ? `<span style="margin-left:auto">${esc(who)} · <form method="post" action="/logout" style="display:inline"><button>Sign out</button></form></span>` : ''}</header>
<main>${body}</main>${who ? '<script src="/static/review.js"></script>' : ''}</body></html>`;
}

export function loginPage(problem?: string): string {
  return page(
    'Sign in',
    `<h1>Sign in 登录</h1>${problem ? `<div class="error">${esc(problem)}</div>` : ''}
<form method="post" action="/login"><label>Reviewer 复核员 <input name="account" autocomplete="username" autofocus required maxlength="64"></label> <label>Token 令牌 <input type="password" name="token" autocomplete="off" required></label> <button type="submit">Sign in</button></form>`,
  );
}

const VERDICT_OPTIONS = ['', 'FAIL', 'CANNOT_JUDGE', 'PASS', 'needs-review'] as const;

export function queuePage(who: string, rows: InspectionRow[], filter: InspectionFilter & { verdict?: string }, options: { channels: string[]; productTypes: string[] }): string {
  const opt = (values: readonly string[], selected: string | undefined, labels: Record<string, string> = {}) =>
    values.map((v) => `<option value="${esc(v)}"${v === (selected ?? '') ? ' selected' : ''}>${esc(labels[v] ?? (v || 'all'))}</option>`).join('');
  const filters = `<form class="filters" method="get" action="/">
<label>Verdict<select name="verdict">${opt(VERDICT_OPTIONS, filter.verdict ?? 'needs-review', { 'needs-review': 'needs review (FAIL or CANNOT_JUDGE)' })}</select></label>
<label>Channel<select name="channel">${opt(['', ...options.channels], filter.channel)}</select></label>
<label>Product<select name="product">${opt(['', ...options.productTypes], filter.productType)}</select></label>
<label>From<input type="date" name="from" value="${esc(filter.from?.slice(0, 10) ?? '')}"></label>
<label>To<input type="date" name="to" value="${esc(filter.to?.slice(0, 10) ?? '')}"></label>
<label>Reviewer<input name="reviewer" value="${esc(filter.reviewer ?? '')}" size="8"></label>
<label>Sort<select name="sort">${opt(['recordedAt', 'inspectedAt', 'verdict', 'channel', 'productType'], filter.sort)}</select></label>
<label>Order<select name="order">${opt(['desc', 'asc'], filter.descending === false ? 'asc' : 'desc')}</select></label>
<button type="submit">Filter</button></form>`;
  const body = rows
    .map(
      (r) => `<tr><td><a href="/r/${encodeURIComponent(r.recordingId)}">${esc(r.objectKey)}</a><br><small>${esc(r.recordingId)}</small></td>
<td class="v-${esc(r.verdict)}">${esc(r.verdict)}</td><td class="v-${esc(r.firstVerdict)}">${esc(r.firstVerdict)}</td><td>${esc(r.channel ?? '—')}</td><td>${esc(r.productType ?? '—')}</td>
<td>${esc(r.recordedAt.replace('T', ' ').slice(0, 16))}</td><td>r${r.latestRevision}</td></tr>`,
    )
    .join('');
  return page(
    'Queue',
    `<h1>Review queue 复核队列 <small>${rows.length} recording(s)</small></h1>${filters}
<table id="queue"><thead><tr><th>Recording</th><th>Verdict</th><th>Machine</th><th>Channel</th><th>Product</th><th>Recorded</th><th>Revision</th></tr></thead><tbody>${body || '<tr><td colspan="7">Nothing to review with these filters.</td></tr>'}</tbody></table>`,
    who,
  );
}

interface Flag {
  at: number;
  label: string;
}

/** Where a reviewer should look: defects, the report's "to look at" flags, and the evidence of steps that did not pass. */
export function flagsOf(report: ReviewedReport): Flag[] {
  const flags: Flag[] = [];
  for (const f of report.flags ?? []) flags.push({ at: f.from, label: `to look at · ${f.type}: ${f.reason}` });
  for (const d of report.defects) {
    const at = d.at ?? d.from;
    if (at !== undefined) flags.push({ at, label: `${d.type}${d.reason ? `: ${d.reason}` : ''}` });
  }
  for (const s of report.steps) {
    if (s.verdict === 'PASS') continue;
    for (const e of s.evidence) flags.push({ at: e.from, label: `${s.id}: ${e.kind}${e.text ? ` ${e.text}` : ''}` });
  }
  const seen = new Set<string>();
  return flags
    .filter((f) => Number.isFinite(f.at) && !seen.has(`${f.at.toFixed(1)}|${f.label}`) && Boolean(seen.add(`${f.at.toFixed(1)}|${f.label}`)))
    .sort((a, b) => a.at - b.at)
    .slice(0, 60);
}

function timeline(report: ReviewedReport): string {
  const duration = Math.max(report.recording.durationS ?? 0, ...report.faces.map((f) => f.to), ...report.documents.map((d) => d.to), ...report.defects.map((d) => d.to ?? d.at ?? 0), 1);
  const pct = (t: number) => `${((Math.min(Math.max(t, 0), duration) / duration) * 100).toFixed(2)}%`;
  const seg = (cls: string, from: number, to: number, title: string) =>
    `<button class="seg ${cls}" data-seek="${from}" title="${esc(title)}" style="left:${pct(from)};width:calc(${pct(to)} - ${pct(from)} + 2px);border:0;padding:0;cursor:pointer"></button>`;
  const tracks = [
    ['faces 人脸', report.faces.map((f) => seg(`faces c${Math.min(f.count, 2)}`, f.from, f.to, `${f.count} face(s) ${f.from.toFixed(1)}–${f.to.toFixed(1)} s`))],
    ['documents 文件', report.documents.map((d) => seg('documents', d.from, d.to, `${d.type} ${d.from.toFixed(1)}–${d.to.toFixed(1)} s`))],
    ['speech 语音', speechLane(report).map((s) => seg(`speech ${s.cls}`.trim(), s.from, s.to, s.title))],
    ['defects 缺陷', report.defects.map((d) => seg('defects', d.from ?? d.at ?? 0, d.to ?? (d.at ?? 0) + duration / 200, `${d.type}: ${d.reason}`))],
  ] as const;
  return `<div class="timeline" id="timeline" data-duration="${duration}">${tracks.map(([label, segs]) => `<div class="track"><span class="label">${label}</span>${segs.join('')}</div>`).join('')}</div>${speechLegend(report)}`;
}

export interface RecordingView {
  who: string;
  row: InspectionRow;
  report: ReviewedReport;
  revisions: RevisionRow[];
  decisions: DecisionRow[];
  audit: AuditRow[];
  message?: { kind: 'error' | 'ok'; text: string };
  newDecisionId: () => string;
  /** Whether the viewer may decide (reviewer, lead); others see the steps without forms. */
  canDecide?: boolean;
  /** Whether the viewer may approve decisions pending approval (leads; never their own). */
  canApprove?: boolean;
  viewerId?: string;
}

export function recordingPage(v: RecordingView): string {
  const { row, report } = v;
  const flags = flagsOf(report);
  const steps = report.steps
    .map(
      (s) => `<div class="step" id="step-${esc(s.id)}"><h3>${esc(s.title)} <small>${esc(s.id)}</small> · <span class="v-${esc(s.verdict)}">${esc(s.verdict)}</span></h3>
<div>${s.reasons.slice(0, 4).map((r) => esc(r)).join('<br>')}</div>
<div>${s.evidence.slice(0, 12).map((e) => `<button class="flag" data-seek="${e.from}">${e.from.toFixed(1)} s ${esc(e.kind)}</button>`).join('')}</div>
${v.canDecide === false ? '' : `<form method="post" action="/r/${encodeURIComponent(row.recordingId)}/decide">
<input type="hidden" name="decisionId" value="${esc(v.newDecisionId())}"><input type="hidden" name="stepId" value="${esc(s.id)}"><input type="hidden" name="before" value="${esc(s.verdict)}"><input type="hidden" name="revision" value="${report.revision}">
${['PASS', 'FAIL', 'CANNOT_JUDGE'].map((x) => `<label><input type="radio" name="after" value="${x}"${x === s.verdict ? ' checked' : ''}> ${x === s.verdict ? `confirm ${x}` : `override → ${x}`}</label>`).join(' ')}
<textarea name="comment" required minlength="4" placeholder="Comment (required) 复核意见" aria-label="comment for ${esc(s.id)}"></textarea>
<button type="submit">Decide</button></form>`}</div>`,
    )
    .join('');
  const revisions = v.revisions
    .map((r) => `<li><a href="/r/${encodeURIComponent(row.recordingId)}/report/${r.revision}">r${r.revision}</a> <span class="v-${esc(r.verdict)}">${esc(r.verdict)}</span> <small>${esc(r.source)} · ${esc(r.createdAt)}</small></li>`)
    .join('');
  const decisions = v.decisions
    .map(
      (d) =>
        `<tr><td>${esc(d.decidedAt)}</td><td>${esc(d.reviewer)}</td><td>${esc(d.stepId)}</td><td>${esc(d.before)} → ${esc(d.after)}${d.pendingApproval ? (d.approvedBy ? ` <small>approved by ${esc(d.approvedBy)}</small>` : ' <small class="v-CANNOT_JUDGE">pending approval 待审批</small>') : ''}</td><td>${esc(d.comment)}</td><td>r${d.revision}</td></tr>`,
    )
    .join('');
  const waiting = v.decisions.filter((d) => d.pendingApproval && !d.approvedBy);
  const pending = waiting.length
    ? `<div class="step" id="pending"><h3>Pending a lead's approval 待主管审批</h3>${waiting
        .map(
          (d) => `<div>${esc(d.stepId)}: ${esc(d.before)} → ${esc(d.after)} by ${esc(d.reviewer)} (r${d.revision}): ${esc(d.comment)}${
            v.canApprove && d.reviewer !== v.viewerId
              ? `<form method="post" action="/r/${encodeURIComponent(row.recordingId)}/approve"><input type="hidden" name="approvalId" value="${esc(v.newDecisionId())}"><input type="hidden" name="decisionId" value="${esc(d.decisionId)}"><textarea name="comment" required minlength="4" placeholder="Approval comment (required) 审批意见" aria-label="approval comment"></textarea><button type="submit">Approve 批准</button></form>`
              : ''
          }</div>`,
        )
        .join('')}</div>`
    : '';
  const audit = v.audit.map((a) => `<tr><td>${esc(a.at)}</td><td>${esc(a.actor)}</td><td>${esc(a.action)}</td><td>${esc(a.detail)}</td></tr>`).join('');
  return page(
    row.recordingId,
    `${v.message ? `<div class="${v.message.kind}" id="message">${esc(v.message.text)}</div>` : ''}
<h1>${esc(row.objectKey)} · <span class="v-${esc(report.verdict)}" id="verdict">${esc(report.verdict)}</span> <small>revision r${report.revision}, machine ${esc(row.firstVerdict)}</small></h1>
${row.signatureProblem ? '<div class="error" id="signature-problem">A report revision of this recording does not verify against the trusted key 报告签名校验失败</div>' : ''}
<p><small>${esc(row.channel ?? 'channel —')} · ${esc(row.productType ?? 'product —')} · recorded ${esc(row.recordedAt)} · sha256 ${esc(row.sha256.slice(0, 16))}… · rulebook ${esc(row.rulebook)}</small></p>
<p>${esc(report.summary)}</p>
<div class="layout"><div>
<video id="player" controls preload="metadata" src="/media/${encodeURIComponent(row.recordingId)}"></video>
${timeline(report)}
<div id="flags"><strong>Flags 标记</strong> ${flags.map((f) => `<button class="flag" data-seek="${f.at}">${f.at.toFixed(1)} s ${esc(f.label.slice(0, 80))}</button>`).join('') || '<small>none</small>'}</div>
<p>Position: <span id="position">0.0</span> s</p>
<h2>Revisions</h2><ul id="revisions">${revisions}</ul>
<h2>Decisions</h2><table id="decisions"><tr><th>When</th><th>Who</th><th>Step</th><th>Change</th><th>Comment</th><th>Revision</th></tr>${decisions}</table>
<h2>Audit</h2><table id="audit"><tr><th>When</th><th>Who</th><th>Action</th><th>Detail</th></tr>${audit}</table>
</div><div>${pending}<h2>Steps 环节</h2>${steps}</div></div>`,
    v.who,
  );
}

export function auditPage(who: string, rows: AuditRow[]): string {
  return page(
    'Audit',
    `<h1>Audit 审计</h1><table id="audit"><tr><th>When</th><th>Who</th><th>Action</th><th>Recording</th><th>Detail</th></tr>${rows
      .map((a) => `<tr><td>${esc(a.at)}</td><td>${esc(a.actor)}</td><td>${esc(a.action)}</td><td>${esc(a.recordingId ?? '')}</td><td>${esc(a.detail)}</td></tr>`)
      .join('')}</table>`,
    who,
  );
}

/** Seeks the player to a flag's time and shows the position; served as /static/review.js. */
export const REVIEW_SCRIPT = `(function(){
var v=document.getElementById('player');var p=document.getElementById('position');
document.addEventListener('click',function(e){var t=e.target.closest('[data-seek]');if(!t||!v)return;e.preventDefault();
var s=parseFloat(t.getAttribute('data-seek'));if(isFinite(s)){v.currentTime=s;v.pause();}});
if(v&&p){v.addEventListener('timeupdate',function(){p.textContent=v.currentTime.toFixed(1);});v.addEventListener('seeked',function(){p.textContent=v.currentTime.toFixed(1);});}
})();`;
