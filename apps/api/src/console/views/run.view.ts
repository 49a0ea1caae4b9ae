import type { CheckRunEntity, MonitorEntity } from '@assay/db';
import { page, type PageContext } from './layout.js';
import { html, num, sentenceOfRun, when, type Html } from './html.js';
import { stateBadge } from './overview.view.js';

export function runView(context: PageContext, run: CheckRunEntity, monitor: MonitorEntity, modelName: string): Html {
  const row = (label: string, value: Html | string): Html => html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
  return page(
    context,
    `Check run of ${monitor.name}`,
    html`<p>${stateBadge(run.verdict)} <a href="/console/models/${encodeURIComponent(modelName)}">${modelName}</a></p>
<p class="explanation">${sentenceOfRun(run)}</p>${sentenceOfRun(run) === run.reason ? '' : html`<p class="muted">${run.reason}</p>`}
<table><tbody>
${row('kind', run.kind)}${row('trigger', run.trigger)}${row('signal', run.signal ?? '—')}${row('versions', run.versionScope === 'list' ? (run.versions ?? []).join(', ') : (run.versionScope ?? run.version ?? '—'))}
${row('window', `${when(run.windowFrom)} to ${when(run.windowTo)}`)}${row('method', run.method ?? '—')}${row('statistic', num(run.statistic))}${row('p-value', num(run.pValue))}
${row('threshold', num(run.threshold))}${row('effect size', num(run.effectSize))}${row('samples (reference / current)', `${num(run.nReference)} / ${num(run.nCurrent)}`)}
${row('exact', run.exact ? 'yes' : `no (error bound ${num(run.errorBound)})`)}${row('baseline', run.baselineId ? html`<code>${run.baselineId}</code>` : '—')}
${row('reference digest', html`<code>${run.referenceDigest ?? '—'}</code>`)}${row('current digest', html`<code>${run.currentDigest ?? '—'}</code>`)}
${row('ledger entry', run.ledgerIndex !== null ? html`<a href="/console/ledger?entry=${run.ledgerIndex}">${run.ledgerIndex}</a>` : '—')}
</tbody></table>`,
  );
}
