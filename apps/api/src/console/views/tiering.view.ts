import type { ReportEntity } from '@assay/db';
import { journeySpendChart } from '@assay/reports';
import type { TieringReport } from '@assay/tiering';
import { csrfInput, page, type PageContext } from './layout.js';
import { html, num, raw, usd, when, type Html } from './html.js';

const JOURNEYS_CHARTED = 25;
const percent = (share: number | null): string => (share === null ? '—' : `${num(share * 100, 3)}%`);
const day = (iso: string): string => iso.slice(0, 10);

function journeyRows(report: TieringReport): Html {
  return html`${report.journeys.map(
    (j) => html`<tr data-journey="${j.journey}"><th scope="row">${j.journey}</th><td class="num">${num(Math.round(j.calls))}</td><td class="num">${usd(j.spendUsd)}</td>
<td>${j.models.map((m) => m.model).join(', ')}${j.singleProvider ? html` <span class="muted">(one provider)</span>` : ''}</td>
<td>${j.decisions.length === 0
  ? j.experiment ? html`<span class="muted">${j.experiment.sentence}</span>` : html`<span class="muted">one model, nothing to decide</span>`
  : html`<ul class="verdicts">${j.decisions.map((d) => html`<li data-verdict="${d.verdict}"><span class="state ${d.verdict}">${d.verdict}</span> ${d.sentence}</li>`)}</ul>`}</td>
<td class="num">${percent(j.repeatShare)}</td></tr>`,
  )}`;
}

export function tieringView(context: PageContext, report: TieringReport, signed: ReportEntity[]): Html {
  // The window's last instant is the next day's midnight: the form shows the inclusive last day.
  const lastDay = new Date(Date.parse(report.to) - 1).toISOString();
  const window = html`<label for="t-from">From (UTC day)</label><input id="t-from" name="from" type="date" value="${day(report.from)}" required>
<label for="t-to">To (UTC day, inclusive)</label><input id="t-to" name="to" type="date" value="${day(lastDay)}" required>`;
  return page(
    context,
    'Tiering',
    html`<p>Per journey: which cheaper model is non-inferior to the one serving it (within a margin of ${num(report.margin)} on every quality signal and the error rate, at α ${num(report.alpha)}), and what moving would save. <a href="/docs">API</a>: <code>GET /v1/tiering</code>.</p>
<form method="get" action="/console/tiering" class="inline">${window} <button type="submit">Show</button></form>
<dl class="summary"><div><dt>window</dt><dd>${when(report.from)} to ${when(report.to)}</dd></div><div><dt>journeys</dt><dd>${num(report.journeys.length)}</dd></div>
<div><dt>providers by spend</dt><dd>${report.providers.map((p) => `${p.provider} ${percent(p.spendShare)}`).join(', ') || '—'}</dd></div><div><dt>HHI</dt><dd id="tiering-hhi">${num(report.hhi, 3)}</dd></div></dl>
<h2>Spend per journey</h2>
<div class="chart">${raw(journeySpendChart(report.journeys, JOURNEYS_CHARTED))}</div>
<h2>Journeys and verdicts</h2>
${report.journeys.length === 0 ? html`<p class="muted">No calls in the window.</p>` : html`<table id="tiering-journeys"><thead><tr><th scope="col">journey</th><th scope="col">calls</th><th scope="col">spend</th><th scope="col">models</th><th scope="col">verdicts</th><th scope="col">repeated inputs</th></tr></thead><tbody>${journeyRows(report)}</tbody></table>`}
<h2>Signed tiering reports</h2>
<form method="post" action="/console/tiering/reports" class="stack">${csrfInput(context)}${window}<button type="submit">Request signed report</button></form>
${signed.length === 0 ? html`<p class="muted">None yet.</p>` : html`<table><thead><tr><th scope="col">requested</th><th scope="col">window</th><th scope="col">status</th><th scope="col">ledger</th><th scope="col">report</th></tr></thead><tbody>${signed.map(
      (r) => html`<tr><td>${when(r.createdAt)}</td><td>${when(r.periodFrom)} to ${when(r.periodTo)}</td><td><span class="state ${r.status}">${r.status}</span></td><td class="num">${r.ledgerIndex ?? '—'}</td><td><a href="/console/reports/${r.id}">open</a></td></tr>`,
    )}</tbody></table>`}`,
  );
}
