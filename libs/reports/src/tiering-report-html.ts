import { formatCount, formatNumber, type NumberFormat } from '@assay/format';
import type { TieringReport } from '@assay/tiering';
import { esc } from './report-charts.js';
import { REPORT_CSS } from './report-html.js';
import { decisionIntervalChart, journeySpendChart } from './tiering-charts.js';

const JOURNEYS_CHARTED = 40;
const DECISIONS_CHARTED = 60;

const day = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
const td = (value: unknown, cls = ''): string => `<td${cls ? ` class="${cls}"` : ''}>${esc(value)}</td>`;
const tdNum = (value: number | null | undefined, format: NumberFormat = {}): string => `<td class="num">${esc(formatNumber(value, format))}</td>`;
const usd = (value: number | null | undefined): string => formatNumber(value, { unit: 'USD' });

function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${esc(empty)}</p>`;
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
}

export interface TieringSignature {
  reportId: string;
  keyId: string;
  subjectDigest: string;
  generatedAt: string;
}

/** The printable page of a tiering report, rendered from the report the envelope signs. No scripts. */
export function renderTieringReportHtml(report: TieringReport, signature: TieringSignature): string {
  const decisions = report.journeys.flatMap((j) => j.decisions);
  const charted = [...decisions].sort((a, b) => b.savingsUsdPerMonth - a.savingsUsdPerMonth).slice(0, DECISIONS_CHARTED);
  const switchSavings = decisions.filter((d) => d.verdict === 'switch').reduce((sum, d) => sum + d.savingsUsdPerMonth, 0);
  const spend = report.journeys.reduce((sum, j) => sum + j.spendUsd, 0);
  const count = (verdict: string): number => decisions.filter((d) => d.verdict === verdict).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Tiering report ${esc(day(report.from))} – ${esc(day(report.to))}</title>
<style>${REPORT_CSS}</style></head>
<body>
<header><h1>Tiering report</h1>
<p class="muted">Window ${esc(day(report.from))} to ${esc(day(report.to))} · margin ${esc(formatNumber(report.margin))} · α ${esc(formatNumber(report.alpha))} · generated ${esc(day(signature.generatedAt))} · report <span class="mono">${esc(signature.reportId)}</span></p></header>
<section class="summary">
<div>Journeys<b>${formatCount(report.journeys.length)}</b></div>
<div>Spend<b>${esc(usd(spend))}</b></div>
<div>Switch<b class="switch">${formatCount(count('switch'))}</b></div>
<div>Keep<b class="keep">${formatCount(count('keep'))}</b></div>
<div>Insufficient<b class="insufficient">${formatCount(count('insufficient'))}</b></div>
<div>Savings of the switches<b>${esc(usd(switchSavings))} a month</b></div>
</section>

<h2>Spend per journey</h2>
${journeySpendChart(report.journeys, JOURNEYS_CHARTED)}
${table(
  ['journey', 'calls', 'spend', 'models', 'repeat share', 'exact cache would save / month', 'cached input', 'one provider'],
  report.journeys.map((j) => [
    td(j.journey), tdNum(j.calls), tdNum(j.spendUsd, { unit: 'USD' }), td(j.models.map((m) => m.model).join(', ')),
    td(j.repeatShare === null ? '—' : `${formatNumber(j.repeatShare, { unit: '%' })}${j.repeatShareError !== null ? ` ± ${formatNumber(j.repeatShareError, { unit: '%' })}` : ''}`, 'num'),
    tdNum(j.exactCacheSavingsUsdPerMonth, { unit: 'USD' }), tdNum(j.cachedInputShare, { unit: '%' }), td(j.singleProvider ? 'yes' : 'no'),
  ]),
  'No calls in the window.',
)}

<h2>Decisions</h2>
<p>For every pair of models on a journey where the candidate costs less per call than the incumbent: one non-inferiority test per quality signal and the error rate, each at margin ${esc(formatNumber(report.margin))}; the decision's p-value is the largest of its tests' (intersection–union), adjusted by Benjamini–Hochberg across the ${formatCount(decisions.length)} decisions of this report. <b>switch</b>: adjusted p ≤ α; <b>keep</b>: some test shows the candidate worse beyond the margin; otherwise <b>insufficient</b>.</p>
${table(
  ['journey', 'incumbent', 'candidate', 'verdict', 'p', 'adjusted p', 'saves / month', 'CO2e saved / month', 'more calls needed', 'in one sentence'],
  decisions.map((d) => [
    td(d.journey), td(d.incumbent), td(d.candidate), td(d.verdict, d.verdict), tdNum(d.pValue, { digits: 2 }), tdNum(d.adjustedPValue, { digits: 2 }),
    tdNum(d.savingsUsdPerMonth, { unit: 'USD' }), tdNum(d.co2eSavedGPerMonth, { unit: 'g CO2e' }), tdNum(d.moreCallsNeeded), td(d.sentence, 'sentence'),
  ]),
  'No journey is served by more than one model: there is nothing to decide yet (see the trials below).',
)}
${charted.map((d) => decisionIntervalChart(d, report.margin, report.alpha)).join('\n')}
${decisions.length > charted.length ? `<p class="muted">The ${charted.length} decisions with the largest savings are charted; every decision and its tests are in the JSON report.</p>` : ''}

<h2>Trials for single-model journeys</h2>
${table(
  ['journey', 'trial model', 'provider', 'traffic share', 'days', 'plan'],
  report.journeys.flatMap((j) => (j.experiment ? [[td(j.journey), td(j.experiment.model), td(j.experiment.provider ?? '—'), tdNum(j.experiment.trafficShare, { unit: '%' }), tdNum(j.experiment.days), td(j.experiment.sentence)]] : [])),
  'No trial to propose.',
)}

<h2>Vendor dependency</h2>
<p>Herfindahl–Hirschman index of provider spend shares: <b data-field="hhi">${esc(formatNumber(report.hhi, { digits: 3 }))}</b> (1 means one provider takes all the spend).</p>
${table(['provider', 'calls', 'spend', 'share of spend'], report.providers.map((p) => [td(p.provider), tdNum(p.calls), tdNum(p.spendUsd, { unit: 'USD' }), tdNum(p.spendShare, { unit: '%' })]), 'No priced calls in the window.')}

<h2>How to verify this report</h2>
<p>The JSON form (<code>GET /v1/reports/${esc(signature.reportId)}</code> with <code>Accept: application/json</code>) is a DSSE envelope signed by key <code>${esc(signature.keyId)}</code>. Its in-toto statement's predicate is the report this page shows; the subject digest <code>${esc(signature.subjectDigest)}</code> is the SHA-256 of the predicate's canonical (RFC 8785) JSON. The report is recorded in the ledger as a <code>report</code> entry that names the same digest.</p>
<ol><li>Save it: curl -H "Authorization: Bearer $KEY" -H "Accept: application/json" $URL/v1/reports/${esc(signature.reportId)} &gt; tiering.dsse.json</li>
<li>Run: assay verify report tiering.dsse.json --key assay.pub.pem (offline: the signature and the subject digest).</li>
<li>Find the report's ledger index (GET /v1/tiering/reports lists it) and run: assay verify entry INDEX --url $URL --key $KEY. It checks the entry is in the log of the signed checkpoint; the entry's contentDigest must equal the subject digest above.</li></ol>
</body></html>
`;
}
