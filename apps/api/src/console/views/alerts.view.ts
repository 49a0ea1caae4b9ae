import type { AlertView } from '@assay/alerts';
import type { SilenceEntity } from '@assay/db';
import { canAct, csrfInput, page, type PageContext } from './layout.js';
import { html, when, type Html } from './html.js';

export interface AlertFilters {
  status?: string;
  model?: string;
  severity?: string;
  kind?: string;
}

const select = (name: string, label: string, options: string[], value: string | undefined): Html =>
  html`<label for="f-${name}">${label}</label> <select id="f-${name}" name="${name}"><option value="">any</option>${options.map(
    (o) => html`<option value="${o}"${o === value ? html` selected` : ''}>${o}</option>`,
  )}</select>`;

export function alertActions(context: PageContext, alert: AlertView): Html {
  if (!canAct(context.principal) || alert.status === 'resolved') return html``;
  const form = (action: 'acknowledge' | 'resolve', label: string): Html =>
    html`<form method="post" action="/console/alerts/${alert.id}/${action}" class="inline js-alert-action">${csrfInput(context)}
<label class="visually-hidden" for="${action}-${alert.id}">note to ${action} ${alert.summary}</label>
<input id="${action}-${alert.id}" name="note" maxlength="2000" placeholder="note (optional)"> <button type="submit">${label}</button></form>`;
  return html`${alert.status === 'firing' ? form('acknowledge', 'Acknowledge') : ''}${form('resolve', 'Resolve')}`;
}

export function alertRow(context: PageContext, a: AlertView): Html {
  return html`<tr data-alert-id="${a.id}" data-status="${a.status}">
<td data-field="status"><span class="state ${a.status}">${a.status}</span></td>
<td>${a.summary}</td>
<td><a href="/console/models/${encodeURIComponent(a.labels.model ?? '')}">${a.labels.model ?? ''}</a></td>
<td>${a.kind}</td><td>${a.severity}</td>
<td>${when(a.startedAt)}</td><td>${when(a.lastSeenAt)}</td><td class="num">${a.occurrences}</td>
<td>${a.firstCheckRunId === null ? html`<a href="/console/tiering">provider spend</a>` : html`<a href="/console/runs/${a.firstCheckRunId}">first</a>, <a href="/console/runs/${a.lastCheckRunId ?? a.firstCheckRunId}">latest</a>`}</td>
<td data-field="who">${a.acknowledgedBy ? html`acknowledged by ${a.acknowledgedBy}${a.acknowledgeNote ? html`: ${a.acknowledgeNote}` : ''}` : ''}${a.resolvedAt ? html` resolved ${a.resolvedBy ? html`by ${a.resolvedBy}` : 'by a passing run'}${a.resolveNote ? html`: ${a.resolveNote}` : ''}` : ''}</td>
${canAct(context.principal) ? html`<td data-field="actions">${alertActions(context, a)}</td>` : ''}
</tr>`;
}

export function alertsView(context: PageContext, alerts: AlertView[], filters: AlertFilters, silences: SilenceEntity[]): Html {
  const owner = canAct(context.principal);
  const now = new Date();
  return page(
    context,
    'Alerts',
    html`<form method="get" class="filters">${select('status', 'Status', ['firing', 'acknowledged', 'resolved'], filters.status)}
${select('severity', 'Severity', ['info', 'warning', 'critical'], filters.severity)}
${select('kind', 'Kind', ['drift', 'policy'], filters.kind)}
<label for="f-model">Model</label> <input id="f-model" name="model" value="${filters.model ?? ''}" maxlength="200">
<button type="submit">Filter</button></form>
<p id="live-status" class="muted" aria-live="polite">Showing the 100 most recently changed alerts${filters.status || filters.model || filters.severity || filters.kind ? ' that match the filters' : ''}. Changes appear here as they happen while JavaScript is on.</p>
<table class="alerts" data-live-alerts data-can-act="${owner ? 'true' : 'false'}">
<thead><tr><th scope="col">status</th><th scope="col">summary</th><th scope="col">model</th><th scope="col">kind</th><th scope="col">severity</th><th scope="col">started</th><th scope="col">last seen</th><th scope="col">failing runs</th><th scope="col">runs</th><th scope="col">handled</th>${owner ? html`<th scope="col">actions</th>` : ''}</tr></thead>
<tbody>${alerts.map((a) => alertRow(context, a))}</tbody></table>
${alerts.length === 0 ? html`<p class="muted" id="no-alerts">No alerts.</p>` : ''}
<h2>Silences</h2>
${silences.length === 0 ? html`<p class="muted">No active silences.</p>` : html`<table><thead><tr><th scope="col">matchers</th><th scope="col">comment</th><th scope="col">by</th><th scope="col">from</th><th scope="col">until</th>${owner ? html`<th scope="col">expire</th>` : ''}</tr></thead><tbody>${silences.map(
      (s) => html`<tr><td><code>${s.matchers.map((m) => `${m.label}${m.op}"${m.value}"`).join(', ')}</code></td><td>${s.comment}</td><td>${s.createdBy}</td><td>${when(s.startsAt)}</td><td>${when(s.endsAt)}${s.startsAt > now ? ' (not started)' : ''}</td>${
        owner ? html`<td><form method="post" action="/console/silences/${s.id}/expire" class="inline">${csrfInput(context)}<button type="submit">Expire</button></form></td>` : ''
      }</tr>`,
    )}</tbody></table>`}
${owner ? html`<h3>New silence</h3><form method="post" action="/console/silences" class="stack">${csrfInput(context)}
<label for="s-label">Label</label><select id="s-label" name="label"><option>model</option><option>monitor</option><option>signal</option><option>severity</option><option>kind</option><option>alertname</option></select>
<label for="s-value">equals</label><input id="s-value" name="value" required maxlength="500">
<label for="s-comment">Comment</label><input id="s-comment" name="comment" required maxlength="1000">
<label for="s-hours">For (hours)</label><input id="s-hours" name="hours" type="number" min="1" max="720" value="2" required>
<button type="submit">Silence</button></form>` : ''}`,
  );
}
