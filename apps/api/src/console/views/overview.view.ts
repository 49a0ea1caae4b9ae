import type { Overview } from '../console-overview.service.js';
import { canAct, csrfInput, page, type PageContext } from './layout.js';
import { html, num, usd, when, type Html } from './html.js';

const STATE_LABELS: Record<string, string> = {
  ok: 'ok', drift: 'drifting', breach: 'breached', insufficient_data: 'insufficient data', unchecked: 'not checked yet',
};

export const stateBadge = (state: string): Html => html`<span class="state ${state}">${STATE_LABELS[state] ?? state}</span>`;

export function overviewView(context: PageContext, overview: Overview): Html {
  const rows = overview.rows.map(
    (r) => html`<tr data-model="${r.model.name}">
<th scope="row"><a href="/console/models/${encodeURIComponent(r.model.name)}">${r.model.name}</a></th>
<td>${r.productionVersion ?? html`<span class="muted">none</span>`}</td>
<td>${stateBadge(r.state)}</td>
<td class="num">${r.openAlerts > 0 ? html`<a href="/console/alerts?model=${encodeURIComponent(r.model.name)}">${r.openAlerts}</a>` : '0'}</td>
<td>${when(r.lastCheck)}</td>
<td class="num">${num(r.requests)}</td>
<td class="num">${usd(r.costUsd)}</td>
<td class="num">${num(r.latencyP95)}</td></tr>`,
  );
  const table =
    overview.rows.length === 0
      ? html`<p>No models yet. ${canAct(context.principal) ? 'Register one below from the traffic Assay has seen, or' : 'An owner registers them, or'} see <a href="/console/start">Getting started</a> to send traffic.</p>`
      : html`<table class="models"><caption>Every model of the project; requests, cost and p95 latency over the last day (${when(overview.from)} to ${when(overview.to)}).</caption>
<thead><tr><th scope="col">model</th><th scope="col">production version</th><th scope="col">status</th><th scope="col">open alerts</th><th scope="col">last check</th><th scope="col">requests</th><th scope="col">cost</th><th scope="col">p95 latency (ms)</th></tr></thead>
<tbody>${rows}</tbody></table>`;
  return page(context, 'Models', html`${table}${unmatchedSection(context, overview.unmatched)}`);
}

function unmatchedSection(context: PageContext, unmatched: Overview['unmatched']): Html {
  if (unmatched === null) return html``;
  if (unmatched.length === 0) return html`<h2>Unmatched inference spans</h2><p class="muted">Every inference span of the last day matched a model.</p>`;
  const rows = unmatched.map(
    (u) => html`<tr><th scope="row">${u.serviceName}</th><td class="num">${num(u.count)}</td><td>${
      canAct(context.principal)
        ? html`<form method="post" action="/console/models" class="inline">${csrfInput(context)}<input type="hidden" name="serviceName" value="${u.serviceName}">
<label class="visually-hidden" for="register-${u.serviceName}">model name for ${u.serviceName}</label>
<input id="register-${u.serviceName}" name="name" value="${u.serviceName}" required maxlength="200"> <button type="submit">Register model</button></form>`
        : html`<span class="muted">an owner can register it</span>`
    }</td></tr>`,
  );
  return html`<h2>Unmatched inference spans</h2>
<p>Inference spans of the last day that matched no model, by service. Registering a model matches that service's spans from now on.</p>
<table><thead><tr><th scope="col">service</th><th scope="col">spans</th><th scope="col">register</th></tr></thead><tbody>${rows}</tbody></table>`;
}
