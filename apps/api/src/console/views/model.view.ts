import type { ModelPage } from '../console-model.service.js';
import { PERIODS, PERIOD_LABELS, type PeriodName } from '../console-model.service.js';
import { distributionChart, providerChart, seriesChart } from './charts.js';
import { page, type PageContext } from './layout.js';
import { html, num, sentenceOfRun, usd, when, type Html } from './html.js';
import { stateBadge } from './overview.view.js';

export function modelView(context: PageContext, data: ModelPage): Html {
  const { model, period, economics: e } = data;
  const periods = Object.keys(PERIODS).map(
    (p) => html`<option value="${p}"${p === period.name ? html` selected` : ''}>${PERIOD_LABELS[p as PeriodName]}</option>`,
  );
  const drift = data.status.monitors.filter((m) => m.monitor.kind === 'drift');
  const policies = data.status.monitors.filter((m) => m.monitor.kind === 'policy');
  const monitorSection = (entry: (typeof drift)[number]): Html => {
    const m = entry.monitor;
    const latest = entry.latest;
    return html`<section class="monitor" data-monitor-id="${m.id}" aria-labelledby="m-${m.id}">
<h3 id="m-${m.id}">${m.name} ${latest ? stateBadge(latest.verdict) : stateBadge('unchecked')}</h3>
<p class="muted">${m.kind === 'policy' ? html`rule <code>${m.rule}</code>` : html`signal <code>${m.signal}</code>, method ${m.method}, threshold ${num(m.threshold)}`} · every ${num(m.scheduleSeconds)} s · ${m.enabled ? 'enabled' : 'disabled'}</p>
${seriesChart({ monitorId: m.id, label: m.name, method: m.method, threshold: m.threshold, from: data.chart.from, to: data.chart.to, rows: data.series.get(m.id) ?? [] })}
${latest ? html`<p class="explanation"><b>Latest verdict (${when(latest.windowTo)}):</b> ${sentenceOfRun(latest) || latest.verdict} <a href="/console/runs/${latest.id}">run details</a></p>` : html`<p class="muted">Not run yet.</p>`}
</section>`;
  };
  return page(
    context,
    model.name,
    html`<p class="muted">Owner ${model.owner ?? '—'} · risk tier ${model.riskTier} · ${stateBadge(data.status.state)}${model.description ? html` · ${model.description}` : ''}</p>
<form method="get" class="inline period"><label for="period">Period</label> <select id="period" name="period">${periods}</select> <button type="submit">Show</button></form>
<p class="muted">${when(period.from)} to ${when(period.to)}${data.chart.from > period.from ? html`; the charts start at the period's first check run, ${when(data.chart.from)}` : ''}</p>
<h2>Versions and lifecycle</h2>
${data.versions.length === 0 ? html`<p class="muted">No versions registered.</p>` : html`<table><thead><tr><th scope="col">version</th><th scope="col">lifecycle</th><th scope="col">artifact digest</th><th scope="col">created</th><th scope="col">last change</th></tr></thead><tbody>${data.versions.map(
      (v) => html`<tr><th scope="row">${v.version}</th><td><span class="lifecycle ${v.lifecycle}">${v.lifecycle}</span></td><td><code>${v.artifactDigest ?? '—'}</code></td><td>${when(v.createdAt)}</td><td>${when(v.updatedAt)}</td></tr>`,
    )}</tbody></table>`}
<h2>Drift monitors</h2>
${drift.length === 0 ? html`<p class="muted">No drift monitors.</p>` : drift.map(monitorSection)}
<h2>Baseline and current distributions</h2>
<p class="muted">${data.baseline ? html`Baseline <code>${data.baseline.id}</code> of version ${data.baseline.version} (${num(data.baseline.sampleCount)} samples, ${data.baseline.source}) against the period's traffic.` : 'No baseline captured yet; the period’s traffic alone.'}</p>
${data.distributions.map((d) => html`<h3>${d.signal}</h3>${distributionChart(d.signal, d.baseline, d.current)}`)}
<h2>Policies</h2>
${policies.length === 0 ? html`<p class="muted">No policies.</p>` : policies.map(monitorSection)}
<h2>Gate decisions</h2>
${data.gateDecisions.length === 0 ? html`<p class="muted">None in the period.</p>` : html`<table><thead><tr><th scope="col">decided</th><th scope="col">candidate</th><th scope="col">decision</th><th scope="col">promoted</th><th scope="col">failed checks</th></tr></thead><tbody>${data.gateDecisions.map(
      (g) => html`<tr><td>${when(g.createdAt)}</td><td>${g.candidate}</td><td><span class="state ${g.decision}">${g.decision}</span></td><td>${g.promoted ? 'yes' : 'no'}</td><td>${(g.reasons as Array<{ check?: string; outcome?: string }>).filter((r) => r.outcome === 'fail').map((r) => String(r.check)).join(', ') || '—'}</td></tr>`,
    )}</tbody></table>`}
<h2>Economics</h2>
<dl class="summary">
<div><dt>requests</dt><dd>${num(e.requests)}</dd></div>
<div><dt>input tokens</dt><dd>${num(e.inputTokens)}</dd></div>
<div><dt>output tokens</dt><dd>${num(e.outputTokens)}</dd></div>
<div><dt>cost</dt><dd>${usd(e.costUsd)}</dd></div>
<div><dt>latency p50 (ms)</dt><dd>${num(e.latencyMs.p50)}</dd></div>
<div><dt>latency p95 (ms)</dt><dd>${num(e.latencyMs.p95)}</dd></div>
<div><dt>energy (Wh)</dt><dd>${num(e.energyWh)}</dd></div>
<div><dt>CO2e (g)</dt><dd>${num(e.co2eG)}</dd></div>
</dl>
<p class="muted">${e.source === 'client_metrics' ? "Requests, tokens and cost from the clients' GenAI metrics; " : 'Estimated from the sampled spans; '}energy and CO2e are estimates from the model's configured factors.</p>
${providerChart(e.providers)}`,
  );
}
