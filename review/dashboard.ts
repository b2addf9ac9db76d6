// The QA dashboard 质检看板, server-rendered: PASS / FAIL / CANNOT_JUDGE rates per week by channel, product
// or branch as inline SVG line charts (no script, no CDN), the rules the machine FAILs most, how often
// a review overturned each rule's FAILs, and the agents with the highest FAIL rates per step (by the keyed
// hash of their licence number, never the number); the same figures as CSV. Labels in Chinese with English beside.
import type { AgentSteps, DashboardDimension, WeeklyRule, WeeklyVerdicts } from '../catalogue/types';
import { esc } from './pages';

export interface DashboardData {
  from: string;
  to: string;
  dimension: DashboardDimension;
  verdicts: WeeklyVerdicts[];
  rules: WeeklyRule[];
  overrides: { ruleId: string; machineFails: number; overridden: number }[];
  /** Agents (keyed hashes), highest FAIL rate first: the page's top ones, or every agent for the CSV. */
  agents: AgentSteps[];
  /** The fewest recordings an agent on the page has in the period. */
  minRecordings: number;
}

const DIMENSION_LABELS: Record<DashboardDimension, string> = { channel: '渠道 Channel', product: '产品 Product', branch: '机构 Branch' };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const pct = (n: number, d: number) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)} %`);

/** One line per value (the 8 largest), rate of `pick` among all verdicts, week by week. */
export function rateChart(title: string, rows: WeeklyVerdicts[], pick: (w: WeeklyVerdicts) => number): string {
  const W = 560;
  const H = 200;
  const L = 40;
  const B = 24;
  const weeks = [...new Set(rows.map((r) => r.week))].sort();
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.value, (totals.get(r.value) ?? 0) + r.total);
  const values = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, COLOURS.length).map(([v]) => v);
  const rates = values.map((v) => weeks.map((w) => rows.find((r) => r.value === v && r.week === w)).map((r) => (r && r.total > 0 ? pick(r) / r.total : null)));
  const max = Math.max(0.05, ...rates.flat().filter((x): x is number => x !== null));
  const x = (i: number) => L + (weeks.length <= 1 ? 0 : (i * (W - L - 10)) / (weeks.length - 1));
  const y = (rate: number) => H - B - (rate / max) * (H - B - 10);
  const lines = rates
    .map((series, k) => {
      const points = series.map((r, i) => (r === null ? null : `${x(i).toFixed(1)},${y(r).toFixed(1)}`)).filter(Boolean);
      // A dot on each week too: a value with one week of data has no line to draw.
      const dots = series.map((r, i) => (r === null ? '' : `<circle cx="${x(i).toFixed(1)}" cy="${y(r).toFixed(1)}" r="2.5" fill="${COLOURS[k]}"/>`)).join('');
      return `<polyline fill="none" stroke="${COLOURS[k]}" stroke-width="1.5" points="${points.join(' ')}"><title>${esc(values[k] || '(none)')}</title></polyline>${dots}`;
    })
    .join('');
  const ticks = [0, 0.5, 1].map((f) => `<text x="${L - 4}" y="${y(max * f) + 4}" text-anchor="end" font-size="10">${(100 * max * f).toFixed(0)}%</text><line x1="${L}" x2="${W - 10}" y1="${y(max * f)}" y2="${y(max * f)}" stroke="#e3e6ea"/>`).join('');
  const labels = weeks.length ? `<text x="${L}" y="${H - 6}" font-size="10">${esc(weeks[0]!.slice(0, 10))}</text><text x="${W - 10}" y="${H - 6}" font-size="10" text-anchor="end">${esc(weeks.at(-1)!.slice(0, 10))}</text>` : '';
  const legend = values.map((v, k) => `<span style="color:${COLOURS[k]}">■ ${esc(v || '(none)')}</span>`).join(' ');
  return `<figure class="chart"><figcaption>${title}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title.replace(/<[^>]+>/g, ''))}">${ticks}${lines}${labels}</svg><div class="legend">${legend}</div></figure>`;
}

/** Horizontal bars: each agent's FAIL rate of recordings (red) and CANNOT_JUDGE rate (grey) beside it. */
export function agentChart(title: string, agents: AgentSteps[]): string {
  const shown = agents.slice(0, 15);
  const W = 560;
  const row = 18;
  const L = 150;
  const H = 20 + row * Math.max(1, shown.length);
  const max = Math.max(0.05, ...shown.map((a) => (a.recordings ? (a.fails + a.cannotJudge) / a.recordings : 0)));
  const w = (rate: number) => (rate / max) * (W - L - 60);
  const bars = shown
    .map((a, i) => {
      const y = 10 + i * row;
      const fail = a.recordings ? a.fails / a.recordings : 0;
      const cj = a.recordings ? a.cannotJudge / a.recordings : 0;
      return `<text x="${L - 6}" y="${y + 12}" text-anchor="end" font-size="11" font-family="monospace">${esc(a.agentKey)}</text><rect x="${L}" y="${y + 2}" width="${w(fail).toFixed(1)}" height="${row - 5}" fill="#d62728"><title>FAIL ${pct(a.fails, a.recordings)}</title></rect><rect x="${(L + w(fail)).toFixed(1)}" y="${y + 2}" width="${w(cj).toFixed(1)}" height="${row - 5}" fill="#a0a6ad"><title>CANNOT_JUDGE ${pct(a.cannotJudge, a.recordings)}</title></rect><text x="${(L + w(fail) + w(cj) + 4).toFixed(1)}" y="${y + 12}" font-size="10">${pct(a.fails, a.recordings)}</text>`;
    })
    .join('');
  const body = shown.length ? bars : `<text x="${L}" y="24" font-size="12">—</text>`;
  return `<figure class="chart"><figcaption>${title}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title.replace(/<[^>]+>/g, ''))}">${body}</svg><div class="legend"><span style="color:#d62728">■ 不通过 FAIL</span> <span style="color:#a0a6ad">■ 无法判断 CANNOT_JUDGE</span></div></figure>`;
}

function agentSection(d: DashboardData): string {
  const steps = [...new Set(d.agents.flatMap((a) => a.steps.map((s) => s.stepId)))].sort();
  const cell = (a: AgentSteps, id: string) => {
    const s = a.steps.find((x) => x.stepId === id);
    return s ? `<td title="${s.fails} / ${s.total}">${pct(s.fails, s.total)}</td>` : '<td>—</td>';
  };
  return `<h2>坐席 Agents: 不通过率 FAIL rate per step <small>(agents with ≥ ${d.minRecordings} recordings, highest FAIL rate first; an agent is the keyed hash of the licence number, never the number; current verdicts, after review)</small></h2>
${agentChart('坐席不通过率 FAIL rate by agent', d.agents)}
<div class="wide"><table id="agents"><tr><th>坐席 Agent (keyed hash)</th><th>录制 Recordings</th><th>不通过 FAIL</th><th>无法判断 CANNOT_JUDGE</th>${steps.map((s) => `<th>${esc(s)} FAIL</th>`).join('')}</tr>${d.agents
    .map((a) => `<tr><td><code>${esc(a.agentKey)}</code></td><td>${a.recordings}</td><td>${pct(a.fails, a.recordings)}</td><td>${pct(a.cannotJudge, a.recordings)}</td>${steps.map((s) => cell(a, s)).join('')}</tr>`)
    .join('')}</table></div>`;
}

export function dashboardBody(d: DashboardData): string {
  const options = (['channel', 'product', 'branch'] as const).map((k) => `<option value="${k}"${k === d.dimension ? ' selected' : ''}>${esc(DIMENSION_LABELS[k])}</option>`).join('');
  const query = `from=${encodeURIComponent(d.from.slice(0, 10))}&to=${encodeURIComponent(d.to.slice(0, 10))}&by=${d.dimension}`;
  const byValue = new Map<string, WeeklyVerdicts>();
  for (const w of d.verdicts) {
    const t = byValue.get(w.value) ?? { ...w, pass: 0, fail: 0, cannotJudge: 0, overturned: 0, total: 0 };
    t.pass += w.pass;
    t.fail += w.fail;
    t.cannotJudge += w.cannotJudge;
    t.overturned += w.overturned;
    t.total += w.total;
    byValue.set(w.value, t);
  }
  const totals = [...byValue.values()].sort((a, b) => b.total - a.total);
  const ruleTotals = new Map<string, { fails: number; cannotJudge: number; total: number }>();
  for (const r of d.rules) {
    const t = ruleTotals.get(r.ruleId) ?? { fails: 0, cannotJudge: 0, total: 0 };
    t.fails += r.fails;
    t.cannotJudge += r.cannotJudge;
    t.total += r.total;
    ruleTotals.set(r.ruleId, t);
  }
  const failing = [...ruleTotals.entries()].sort((a, b) => b[1].fails - a[1].fails || a[0].localeCompare(b[0])).slice(0, 20);
  return `<h1>质检看板 QA dashboard</h1>
<form class="filters" method="get" action="/dashboard"><label>From 起<input type="date" name="from" value="${esc(d.from.slice(0, 10))}"></label><label>To 止<input type="date" name="to" value="${esc(d.to.slice(0, 10))}"></label><label>By 维度<select name="by">${options}</select></label><button type="submit">Show 查看</button> <a href="/dashboard.csv?${query}" id="csv">CSV 导出</a></form>
<div class="layout">${rateChart(`不通过率 FAIL rate · ${esc(DIMENSION_LABELS[d.dimension])}`, d.verdicts, (w) => w.fail)}${rateChart(`无法判断率 CANNOT_JUDGE rate · ${esc(DIMENSION_LABELS[d.dimension])}`, d.verdicts, (w) => w.cannotJudge)}${rateChart(`通过率 PASS rate · ${esc(DIMENSION_LABELS[d.dimension])}`, d.verdicts, (w) => w.pass)}</div>
<h2>${esc(DIMENSION_LABELS[d.dimension])} 汇总 Totals</h2><table id="totals"><tr><th>${esc(DIMENSION_LABELS[d.dimension])}</th><th>录制 Recordings</th><th>通过 PASS</th><th>不通过 FAIL</th><th>无法判断 CANNOT_JUDGE</th><th>复核改判 Overturned FAILs</th></tr>${totals
    .map((t) => `<tr><td>${esc(t.value || '(none)')}</td><td>${t.total}</td><td>${pct(t.pass, t.total)}</td><td>${pct(t.fail, t.total)}</td><td>${pct(t.cannotJudge, t.total)}</td><td>${t.overturned}</td></tr>`)
    .join('')}</table>
<h2>最常不通过的规则 Most-failing rules <small>(machine, revision 1)</small></h2><table id="rules"><tr><th>规则 Rule</th><th>不通过 FAILs</th><th>不通过率 FAIL rate</th><th>无法判断 CANNOT_JUDGE</th></tr>${failing
    .map(([id, t]) => `<tr><td>${esc(id)}</td><td>${t.fails}</td><td>${pct(t.fails, t.total)}</td><td>${t.cannotJudge}</td></tr>`)
    .join('')}</table>
<h2>规则改判率 Override rate per rule <small>(machine FAILs a review overturned, in effect)</small></h2><table id="overrides"><tr><th>规则 Rule</th><th>机器不通过 Machine FAILs</th><th>复核改判 Overturned</th><th>改判率 Override rate</th></tr>${d.overrides
    .map((o) => `<tr><td>${esc(o.ruleId)}</td><td>${o.machineFails}</td><td>${o.overridden}</td><td>${pct(o.overridden, o.machineFails)}</td></tr>`)
    .join('')}</table>
${agentSection(d)}`;
}

const csvCell = (v: string | number) => (typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The weekly figures, then rules and overrides, as one CSV (UTF-8 with BOM so spreadsheet programs read the Chinese). */
export function dashboardCsv(d: DashboardData): string {
  const lines = [['section', 'week', d.dimension, 'rule', 'total', 'pass', 'fail', 'cannot_judge', 'overturned', 'agent', 'step'].join(',')];
  for (const w of d.verdicts) lines.push(['verdicts', w.week.slice(0, 10), w.value, '', w.total, w.pass, w.fail, w.cannotJudge, w.overturned].map(csvCell).join(','));
  for (const r of d.rules) lines.push(['rules', r.week.slice(0, 10), r.channel, r.ruleId, r.total, '', r.fails, r.cannotJudge, ''].map(csvCell).join(','));
  for (const o of d.overrides) lines.push(['overrides', '', '', o.ruleId, o.machineFails, '', o.machineFails, '', o.overridden].map(csvCell).join(','));
  // Per agent over the whole period: the recording as a whole (step empty), then each step.
  for (const a of d.agents) {
    lines.push(['agents', '', '', '', a.recordings, '', a.fails, a.cannotJudge, '', a.agentKey, ''].map(csvCell).join(','));
    for (const s of a.steps) lines.push(['agents', '', '', '', s.total, '', s.fails, s.cannotJudge, '', a.agentKey, s.stepId].map(csvCell).join(','));
  }
  return `\ufeff${lines.join('\n')}\n`;
}
