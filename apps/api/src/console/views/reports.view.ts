import type { ModelEntity, ReportEntity } from '@assay/db';
import { csrfInput, page, type PageContext } from './layout.js';
import { html, when, type Html } from './html.js';

export function reportsView(context: PageContext, models: ModelEntity[], model: ModelEntity | null, reports: ReportEntity[]): Html {
  const today = new Date();
  const weekAgo = new Date(today.getTime() - 7 * 86_400_000);
  const day = (d: Date): string => d.toISOString().slice(0, 10);
  const options = models.map((m) => html`<option value="${m.name}"${m.id === model?.id ? html` selected` : ''}>${m.name}</option>`);
  return page(
    context,
    'Reports',
    html`<p>Signed audit reports of a model over a period: a DSSE envelope with an in-toto statement, a printable page and a CycloneDX model card.</p>
<form method="post" action="/console/reports" class="stack">${csrfInput(context)}
<label for="r-model">Model</label><select id="r-model" name="model" required>${options}</select>
<label for="r-from">From (UTC day)</label><input id="r-from" name="from" type="date" value="${day(weekAgo)}" required>
<label for="r-to">To (UTC day, inclusive)</label><input id="r-to" name="to" type="date" value="${day(today)}" required>
<button type="submit">Request report</button></form>
<h2>Reports${model ? html` of ${model.name}` : ''}</h2>
<form method="get" class="inline"><label for="l-model">Model</label> <select id="l-model" name="model">${options}</select> <button type="submit">List</button></form>
${reports.length === 0 ? html`<p class="muted">None yet.</p>` : html`<table><thead><tr><th scope="col">requested</th><th scope="col">period</th><th scope="col">trigger</th><th scope="col">status</th><th scope="col">report</th></tr></thead><tbody>${reports.map(
      (r) => html`<tr><td>${when(r.createdAt)}</td><td>${when(r.periodFrom)} to ${when(r.periodTo)}</td><td>${r.trigger}</td><td><span class="state ${r.status}">${r.status}</span></td><td><a href="/console/reports/${r.id}">open</a></td></tr>`,
    )}</tbody></table>`}`,
  );
}

export function reportView(context: PageContext, report: ReportEntity, modelName: string): Html {
  const ready = report.status === 'ready';
  const tiering = report.kind === 'tiering';
  return page(
    context,
    tiering ? 'Tiering report' : `Report of ${modelName}`,
    html`<dl class="summary"><div><dt>status</dt><dd><span class="state ${report.status}" id="report-status">${report.status}</span></dd></div>
<div><dt>period</dt><dd>${when(report.periodFrom)} to ${when(report.periodTo)}</dd></div><div><dt>requested</dt><dd>${when(report.createdAt)}</dd></div></dl>
${report.status === 'failed' ? html`<p role="alert" class="error">${report.error ?? 'the build failed'}</p>` : ''}
${ready
  ? html`<ul class="downloads"><li><a href="/console/reports/${report.id}/envelope" download>DSSE envelope (JSON)</a></li><li><a href="/console/reports/${report.id}/html" download>printable page (HTML)</a></li>${tiering ? '' : html`<li><a href="/console/reports/${report.id}/cyclonedx" download>CycloneDX model card (JSON)</a></li>`}</ul>
<p>Verify offline: <code>assay verify report report.dsse.json --key assay.pub.pem</code>${tiering && report.ledgerIndex !== null ? html`; its ledger entry: <code>assay verify entry ${String(report.ledgerIndex)} --url URL --key KEY</code>` : ''}.</p>`
  : html`<p class="muted" data-refresh-while-queued>Being built; this page refreshes itself while JavaScript is on, or reload it.</p>`}`,
  );
}
