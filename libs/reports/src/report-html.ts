import { formatCount, formatNumber, type NumberFormat } from '@assay/format';
import { distributionFigure, esc, seriesChart } from './report-charts.js';
import type { ReportContent, ReportLedgerBundle } from './report-content.js';

const fmt = (value: number | null | undefined, format: NumberFormat = { digits: 4 }): string => formatNumber(value, format);

const day = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

const ROWS_SHOWN = 300;

export const REPORT_CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f24;margin:2rem auto;max-width:980px;padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 .2rem}h2{font-size:1.15rem;margin:2rem 0 .6rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:13px}th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
.ok,.pass{color:#1a7f37}.drift,.breach,.fail{color:#cf222e;font-weight:600}.insufficient_data,.insufficient{color:#9a6700}
figure{margin:0 0 1.2rem;break-inside:avoid}figcaption{font-size:12px;color:#57606a}svg.chart{width:100%;height:auto;border:1px solid #d0d7de;background:#fff}
.muted{color:#57606a}.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:.5rem}
.summary div{border:1px solid #d0d7de;border-radius:6px;padding:.5rem}.summary b{display:block;font-size:1.2rem}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}a{color:inherit;text-decoration:none}}
`;

function providerChart(providers: ReportContent['economics']['providers']): string {
  if (providers.length === 0) return '<p class="muted">No sampled inferences in the period.</p>';
  const W = 720;
  const rowH = 24;
  const H = providers.length * rowH + 10;
  const bars = providers
    .map((p, i) => {
      const w = Math.max(1, p.share * (W - 260));
      return `<text x="150" y="${i * rowH + 20}" text-anchor="end" font-size="12">${esc(p.provider)}</text><rect x="160" y="${i * rowH + 7}" width="${w.toFixed(1)}" height="16" fill="#8250df"/><text x="${(166 + w).toFixed(1)}" y="${i * rowH + 20}" font-size="12">${esc(formatNumber(p.share, { unit: '%' }))}</text>`;
    })
    .join('');
  return `<figure><svg class="chart" data-chart="providers" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="provider mix">${bars}</svg><figcaption>Provider mix: share of sampled inferences per provider (vendor dependency).</figcaption></figure>`;
}

function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p class="muted">None in the period.</p>';
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
}

const td = (value: unknown, cls = ''): string => `<td${cls ? ` class="${cls}"` : ''}>${esc(value)}</td>`;
const tdNum = (value: number | null | undefined, format?: NumberFormat): string => `<td class="num">${esc(fmt(value, format))}</td>`;
const appliedMethod = (m: ReportContent['monitors'][number]): string =>
  !m.method ? '—' : m.effectiveMethod && m.effectiveMethod !== m.method ? `${m.method} → ${m.effectiveMethod}` : m.method;
const alertAfterText = (alertAfter: number | undefined): string =>
  alertAfter === undefined ? '—' : alertAfter === 1 ? 'first failing window' : `${alertAfter} failing windows in a row`;
const tdCount = (value: number | null | undefined): string => `<td class="num">${esc(formatCount(value))}</td>`;
const tdPValue = (value: number | null | undefined): string => `<td class="num p-value">${esc(formatNumber(value, { digits: 2 }))}</td>`;

/** The printable page of a report, rendered from the same document the envelope signs. No scripts. */
export function renderReportHtml(content: ReportContent, ledger: ReportLedgerBundle, signature: { keyId: string; subjectDigest: string }): string {
  const monitorsById = new Map(content.monitors.map((m) => [m.id, m]));
  const flaggedRuns = content.checkRuns.items.filter((r) => r.verdict === 'drift' || r.verdict === 'breach');
  const e = content.economics;
  const charts = content.series.filter((s) => s.points.length > 0).map((s) => seriesChart(s, content.period)).join('\n');
  // Reports signed before pictures existed have no distributions.
  const pictures = (content.distributions ?? []).map(distributionFigure).filter((f) => f !== '').join('\n');
  const verdicts = Object.entries(content.checkRuns.byVerdict).map(([v, n]) => `${v}: ${formatCount(n)}`).join(', ') || 'none';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Audit report: ${esc(content.model.name)} ${esc(day(content.period.from))} – ${esc(day(content.period.to))}</title>
<style>${REPORT_CSS}</style></head>
<body>
<header><h1>Audit report: ${esc(content.model.name)}</h1>
<p class="muted">Period ${esc(day(content.period.from))} to ${esc(day(content.period.to))} · generated ${esc(day(content.generatedAt))} · report <span class="mono">${esc(content.reportId)}</span></p></header>
<section class="summary">
<div>Risk tier<b>${esc(content.model.riskTier)}</b></div>
<div>Check runs<b>${formatCount(content.checkRuns.total)}</b></div>
<div>Flagged runs<b>${formatCount(flaggedRuns.length)}</b></div>
<div>Gate decisions<b>${formatCount(content.gateDecisions.length)}</b></div>
<div>Alerts<b>${formatCount(content.alerts.length)}</b></div>
</section>

<h2>Model</h2>
${table(['name', 'owner', 'risk tier', 'description'], [[td(content.model.name), td(content.model.owner ?? '—'), td(content.model.riskTier), td(content.model.description ?? '')]])}

<h2>Versions and lifecycle</h2>
${table(['version', 'lifecycle', 'artifact digest', 'created', 'last change'], content.versions.map((v) => [td(v.version), td(v.lifecycle), `<td class="mono">${esc(v.artifactDigest ?? '—')}</td>`, td(day(v.createdAt)), td(day(v.updatedAt))]))}

<h2>Baselines</h2>
${table(['id', 'version', 'source', 'samples', 'digest', 'created', 'ledger'], content.baselines.map((b) => [`<td class="mono">${esc(b.id)}</td>`, td(b.version), td(b.source), tdCount(b.sampleCount), `<td class="mono">${esc(b.digest)}</td>`, td(day(b.createdAt)), tdCount(b.ledgerIndex)]))}

<h2>Monitors and policies</h2>
${table(['name', 'kind', 'signal / rule', 'method', 'threshold', 'α', 'alert after', 'enabled'], content.monitors.map((m) => [td(m.name), td(m.kind), `<td class="mono">${esc(m.kind === 'policy' ? m.rule : m.signal)}</td>`, td(appliedMethod(m)), tdNum(m.effectiveThreshold ?? m.threshold), tdNum(m.alpha), td(alertAfterText(m.alertAfter)), td(m.enabled ? 'yes' : 'no')]))}

<h2>What changed</h2>
${pictures ? `<p>For each monitor or policy that drifted or breached, its baseline and the current window at its latest such run.</p>\n${pictures}` : '<p class="muted">No monitor drifted and no policy was breached in the period.</p>'}

<h2>Drift over time</h2>
${charts || '<p class="muted">No check runs in the period.</p>'}

<h2>Check runs</h2>
<p>${formatCount(content.checkRuns.total)} runs (${esc(verdicts)}). Every run is in the signed JSON report; the ${Math.min(ROWS_SHOWN, flaggedRuns.length)} ${flaggedRuns.length > ROWS_SHOWN ? `earliest of ${flaggedRuns.length} ` : ''}flagged runs are listed here.</p>
${table(['window end', 'monitor', 'verdict', 'method', 'statistic', 'p-value', 'threshold', 'what changed', 'ledger'], flaggedRuns.slice(0, ROWS_SHOWN).map((r) => [td(day(r.windowTo)), td(monitorsById.get(r.monitorId)?.name ?? r.monitorId), td(r.verdict, r.verdict), td(r.method ?? '—'), tdNum(r.statistic), tdPValue(r.pValue), tdNum(r.threshold), td(r.summary ?? '—', 'explanation'), tdCount(r.ledgerIndex)]))}

<h2>Alerts</h2>
${table(['monitor or policy', 'signal', 'severity', 'what changed', 'started', 'ended', 'how it ended', 'fingerprint'], content.alerts.map((a) => [td(a.monitorName ? `${a.monitorName} (${a.kind === 'policy' ? 'policy' : 'monitor'})` : (a.monitorId ?? '—')), td(a.signal ?? '—'), td(a.severity), td(a.summary ?? '—'), td(day(a.startedAt)), td(a.endedAt ? day(a.endedAt) : 'still open'), td(a.ending), `<td class="mono">${esc(a.fingerprint)}</td>`]))}

<h2>Gate decisions</h2>
${table(['decided', 'candidate', 'decision', 'promoted', 'failed checks', 'ledger'], content.gateDecisions.map((g) => [td(day(g.createdAt)), td(g.candidate), td(g.decision, g.decision), td(g.promoted ? 'yes' : 'no'), td(g.failedChecks.join(', ') || '—'), tdCount(g.ledgerIndex)]))}

<h2>Inference economics</h2>
${table(
  ['requests', 'sampled', 'input tokens', 'output tokens', 'cost', 'latency p50', 'latency p95', 'energy', 'CO2e'],
  [[tdCount(e.requests), tdCount(e.sampled), tdNum(e.inputTokens, { unit: 'tokens' }), tdNum(e.outputTokens, { unit: 'tokens' }), tdNum(e.costUsd, { unit: 'USD', digits: 4 }), tdNum(e.latencyMs.p50, { unit: 'ms' }), tdNum(e.latencyMs.p95, { unit: 'ms' }), tdNum(e.energyWh, { unit: 'Wh' }), tdNum(e.co2eG, { unit: 'g CO2e' })]],
)}
<p class="muted">${e.source === 'client_metrics' ? "Requests, tokens and cost are from the clients' gen_ai.client.* metrics (unsampled); cost prices every input token at the input price. Latency, providers and energy are from the sampled spans. " : 'Requests, tokens and cost are estimated from sampled spans. '}${e.estimated ? 'Sampled totals are scaled to all requests. ' : ''}Energy and CO2e are estimates from the model's configured per-token factors, not measurements${e.co2eG === null ? ' (none configured)' : ''}.</p>
${providerChart(e.providers)}

<h2>How to verify this report</h2>
<p>The JSON form of this report (<code>GET /v1/reports/${esc(content.reportId)}</code> with <code>Accept: application/json</code>) is a DSSE envelope signed by key <code>${esc(signature.keyId)}</code>. Its in-toto statement's subject digest <code>${esc(signature.subjectDigest)}</code> is the SHA-256 of the canonical (RFC 8785) JSON of the content this page shows. It bundles ${formatCount(ledger.entries.length)} ledger entries and one batched inclusion proof against the signed checkpoint of tree size ${formatCount(ledger.checkpoint.treeSize)} (root <code>${esc(ledger.checkpoint.rootHash)}</code>)${ledger.pending.length > 0 ? `; ${ledger.pending.length} records were made after that checkpoint and are not covered` : ''}.</p>
<ol>${content.verification.instructions.map((i) => `<li>${esc(i)}</li>`).join('')}</ol>
<pre class="mono">${esc(ledger.checkpoint.note)}</pre>
</body></html>
`;
}
