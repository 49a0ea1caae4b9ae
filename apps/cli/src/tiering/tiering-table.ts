import { formatCount, formatNumber } from '@assay/format';
import type { TieringReport } from '@assay/tiering';

const pad = (text: string, width: number, right = false): string => (right ? text.padStart(width) : text.padEnd(width));

/** The journey table: one row per journey, then each of its decisions with its verdict and sentence. */
export function tieringTable(report: TieringReport): string[] {
  const rows = report.journeys.map((j) => ({
    journey: j.journey,
    calls: formatCount(Math.round(j.calls)),
    spend: formatNumber(j.spendUsd, { unit: 'USD' }),
    models: j.models.map((m) => m.model).join(', '),
    decisions: j.decisions,
    experiment: j.experiment,
  }));
  const header = { journey: 'journey', calls: 'calls', spend: 'spend', models: 'models' };
  const width = (key: keyof typeof header): number => Math.max(header[key].length, ...rows.map((r) => r[key].length));
  const [wj, wc, ws] = [width('journey'), width('calls'), width('spend')];
  const line = (r: { journey: string; calls: string; spend: string; models: string }): string =>
    `${pad(r.journey, wj)}  ${pad(r.calls, wc, true)}  ${pad(r.spend, ws, true)}  ${r.models}`.trimEnd();
  const lines = [
    `tiering ${report.from} – ${report.to}, margin ${formatNumber(report.margin)}, alpha ${formatNumber(report.alpha)}`,
    '',
    line(header),
  ];
  if (rows.length === 0) lines.push('(no calls in the window)');
  for (const r of rows) {
    lines.push(line(r));
    for (const d of r.decisions) lines.push(`  ${pad(d.verdict, 12)} ${d.sentence}`);
    if (r.decisions.length === 0 && r.experiment) lines.push(`  ${pad('trial', 12)} ${r.experiment.sentence}`);
  }
  const providers = report.providers.map((p) => `${p.provider} ${formatNumber(p.spendShare, { unit: '%' })}`).join(', ');
  lines.push('', `providers by spend: ${providers || 'none'}; HHI ${formatNumber(report.hhi, { digits: 3 })}`);
  return lines;
}
