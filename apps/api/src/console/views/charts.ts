import type { ReportSeriesRow } from '@assay/db';
import type { SignalProfile } from '@assay/stats';
import { html, num, when, type Html } from './html.js';

// A threshold judges the effect size (calibrated decisions): for χ² (Cramér's V) and the z-test (a
// difference of proportions) that is not the plotted statistic, and auto's method changes with the data.
const THRESHOLD_OFF_STATISTIC = new Set(['chi2', 'ztest', 'auto']);

const W = 640;
const H = 200;
const L = 56;
const R = 10;
const T = 12;
const B = 30;

export interface SeriesChartInput {
  monitorId: string;
  label: string;
  method: string | null;
  threshold: number | null;
  from: Date;
  to: Date;
  rows: ReportSeriesRow[];
}

/** A monitor's statistic per time bucket (mean, min–max band), its threshold and the runs that failed. */
export function seriesChart(input: SeriesChartInput): Html {
  const points = input.rows.filter((p) => p.mean !== null);
  const start = input.from.getTime();
  const span = Math.max(1, input.to.getTime() - start);
  const threshold = input.threshold !== null && !THRESHOLD_OFF_STATISTIC.has(input.method ?? '') ? input.threshold : null;
  const values = points.flatMap((p) => [p.min ?? p.mean!, p.max ?? p.mean!]);
  if (threshold !== null) values.push(threshold);
  let lo = values.length > 0 ? Math.min(...values) : 0;
  let hi = values.length > 0 ? Math.max(...values) : 1;
  if (hi === lo) {
    hi += Math.abs(hi) * 0.1 || 1;
    lo -= Math.abs(lo) * 0.1 || 0;
  }
  const x = (iso: string): number => L + ((Date.parse(iso) - start) / span) * (W - L - R);
  const y = (v: number): number => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const mid = (p: ReportSeriesRow): number => (x(p.from) + x(p.to)) / 2;
  const line = points.map((p) => `${mid(p).toFixed(1)},${y(p.mean!).toFixed(1)}`).join(' ');
  const band =
    points.length > 1
      ? html`<polygon class="band" points="${[
          ...points.map((p) => `${mid(p).toFixed(1)},${y(p.max ?? p.mean!).toFixed(1)}`),
          ...[...points].reverse().map((p) => `${mid(p).toFixed(1)},${y(p.min ?? p.mean!).toFixed(1)}`),
        ].join(' ')}"/>`
      : '';
  const flagged = points
    .filter((p) => p.flagged > 0)
    .map((p) => html`<circle class="flag" cx="${mid(p).toFixed(1)}" cy="${y(p.mean!).toFixed(1)}" r="3"><title>${p.flagged} of ${p.runs} runs failed</title></circle>`);
  const thresholdLine =
    threshold !== null
      ? html`<line class="threshold" x1="${L}" x2="${W - R}" y1="${y(threshold).toFixed(1)}" y2="${y(threshold).toFixed(1)}"/><text class="threshold-label" x="${W - R - 4}" y="${(y(threshold) - 4).toFixed(1)}" text-anchor="end">threshold ${num(threshold)}</text>`
      : '';
  const runs = points.reduce((n, p) => n + p.runs, 0);
  const failed = points.reduce((n, p) => n + p.flagged, 0);
  const description = `${input.label}: ${runs} runs, ${failed} failed${threshold !== null ? `, threshold ${num(threshold)}` : ''}`;
  return html`<figure><svg class="chart" data-monitor="${input.monitorId}" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${description}">
<rect class="frame" x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}"/>
<text class="axis" x="${L - 6}" y="${T + 10}" text-anchor="end">${num(hi)}</text>
<text class="axis" x="${L - 6}" y="${H - B}" text-anchor="end">${num(lo)}</text>
<text class="axis" x="${L}" y="${H - 10}">${when(input.from)}</text>
<text class="axis" x="${W - R}" y="${H - 10}" text-anchor="end">${when(input.to)}</text>
${band}${thresholdLine}${points.length > 0 ? html`<polyline class="series" points="${line}"/>` : html`<text class="axis" x="${W / 2}" y="${H / 2}" text-anchor="middle">no runs in the period</text>`}${flagged}
</svg><figcaption>${description}. Line: mean statistic per bucket; band: min–max; red dots: buckets with a failing run.</figcaption></figure>`;
}

const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95];

/** Baseline beside current: quantile boxes (5–95 %, 25–75 %, median) for a number, shares per category otherwise. */
export function distributionChart(signal: string, baseline: SignalProfile | null, current: SignalProfile | null): Html {
  const profiles = [
    { name: 'baseline', profile: baseline },
    { name: 'current', profile: current },
  ].filter((p): p is { name: string; profile: SignalProfile } => p.profile !== null && p.profile.count > 0);
  if (profiles.length === 0) return html`<p class="muted">${signal}: no baseline and no traffic in the period.</p>`;
  const numeric = profiles.every((p) => p.profile.kind === 'numeric');
  return numeric ? quantileChart(signal, profiles) : categoryChart(signal, profiles);
}

function quantileChart(signal: string, profiles: Array<{ name: string; profile: SignalProfile }>): Html {
  const rows = profiles.map((p) => ({ name: p.name, n: p.profile.count, q: QUANTILES.map((q) => p.profile.quantile(q)) }));
  const all = rows.flatMap((r) => r.q);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    hi += Math.abs(hi) * 0.1 || 1;
    lo -= Math.abs(lo) * 0.1 || 0;
  }
  const left = 90;
  const width = W - left - 20;
  const x = (v: number): number => left + ((v - lo) / (hi - lo)) * width;
  const rowH = 34;
  const height = rows.length * rowH + 26;
  const boxes = rows.map((r, i) => {
    const top = 8 + i * rowH;
    const [p5, p25, p50, p75, p95] = r.q.map(x) as [number, number, number, number, number];
    return html`<text class="axis" x="${left - 8}" y="${top + 17}" text-anchor="end">${r.name}</text>
<line class="whisker" x1="${p5.toFixed(1)}" x2="${p95.toFixed(1)}" y1="${top + 13}" y2="${top + 13}"/>
<rect class="box ${r.name}" x="${p25.toFixed(1)}" y="${top + 3}" width="${Math.max(1, p75 - p25).toFixed(1)}" height="20"><title>${r.name}: p25 ${num(r.q[1])}, median ${num(r.q[2])}, p75 ${num(r.q[3])} (n ${num(r.n)})</title></rect>
<line class="median" x1="${p50.toFixed(1)}" x2="${p50.toFixed(1)}" y1="${top + 1}" y2="${top + 25}"/>`;
  });
  const label = `${signal}: ${rows.map((r) => `${r.name} median ${num(r.q[2])}, 5–95 % ${num(r.q[0])} to ${num(r.q[4])}`).join('; ')}`;
  return html`<figure><svg class="chart" data-distribution="${signal}" viewBox="0 0 ${W} ${height}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${label}">
${boxes}<text class="axis" x="${left}" y="${height - 4}">${num(lo)}</text><text class="axis" x="${left + width}" y="${height - 4}" text-anchor="end">${num(hi)}</text>
</svg><figcaption>${label}.</figcaption></figure>`;
}

function categoryChart(signal: string, profiles: Array<{ name: string; profile: SignalProfile }>): Html {
  const shares = profiles.map((p) => {
    const counts = p.profile.kind === 'categorical' ? p.profile.categoryCounts() : new Map<string, number>();
    const total = [...counts.values()].reduce((a, b) => a + b, 0) || 1;
    return { name: p.name, shares: new Map([...counts].map(([k, v]) => [k, v / total])) };
  });
  const categories = [...new Set(shares.flatMap((s) => [...s.shares.keys()]))]
    .sort((a, b) => (shares[0]!.shares.get(b) ?? 0) - (shares[0]!.shares.get(a) ?? 0))
    .slice(0, 8);
  const left = 150;
  const width = W - left - 70;
  const rowH = 14 * shares.length + 8;
  const height = categories.length * rowH + 8;
  const bars = categories.map((c, i) =>
    html`<text class="axis" x="${left - 8}" y="${i * rowH + 14}" text-anchor="end">${c}</text>${shares.map((s, j) => {
      const share = s.shares.get(c) ?? 0;
      const y = i * rowH + 4 + j * 14;
      return html`<rect class="bar ${s.name}" x="${left}" y="${y}" width="${Math.max(1, share * width).toFixed(1)}" height="12"><title>${s.name} ${c}: ${(share * 100).toFixed(1)} %</title></rect><text class="axis" x="${(left + share * width + 4).toFixed(1)}" y="${y + 10}">${(share * 100).toFixed(1)} %</text>`;
    })}`,
  );
  const label = `${signal}: share per category, ${shares.map((s) => s.name).join(' and ')}`;
  return html`<figure><svg class="chart" data-distribution="${signal}" viewBox="0 0 ${W} ${height}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${label}">${bars}</svg>
<figcaption>${label} (${shares.map((s, i) => html`<span class="key ${s.name}">${s.name}</span>${i < shares.length - 1 ? ', ' : ''}`)}).</figcaption></figure>`;
}

export function providerChart(providers: Array<{ provider: string; share: number }>): Html {
  if (providers.length === 0) return html`<p class="muted">No sampled inferences in the period.</p>`;
  const rowH = 22;
  const height = providers.length * rowH + 6;
  const bars = providers.map((p, i) => {
    const w = Math.max(1, p.share * (W - 260));
    return html`<text class="axis" x="150" y="${i * rowH + 17}" text-anchor="end">${p.provider}</text><rect class="bar current" x="160" y="${i * rowH + 5}" width="${w.toFixed(1)}" height="14"/><text class="axis" x="${(166 + w).toFixed(1)}" y="${i * rowH + 17}">${(p.share * 100).toFixed(1)} %</text>`;
  });
  return html`<figure><svg class="chart" data-chart="providers" viewBox="0 0 ${W} ${height}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="provider mix: ${providers.map((p) => `${p.provider} ${(p.share * 100).toFixed(1)} %`).join(', ')}">${bars}</svg><figcaption>Provider mix: share of sampled inferences.</figcaption></figure>`;
}
