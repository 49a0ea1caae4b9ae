// Server-side SVG for the tiering report: spend per journey stacked by model, and each decision's
// intervals against the non-inferiority margin.
import { formatNumber } from '@assay/format';
import type { JourneyTierSummary, TierDecision } from '@assay/tiering';
import { esc, niceTicks } from './report-charts.js';

const xy = (v: number): string => v.toFixed(1);
// Colour-blind-safe (Okabe–Ito), then greys for models past the eighth.
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];
const colourOf = (index: number): string => PALETTE[index] ?? `hsl(0 0% ${40 + ((index * 7) % 40)}%)`;

/** Models in the order of their total spend, so the biggest spender keeps the first colour. */
export function modelsBySpend(journeys: readonly JourneyTierSummary[]): string[] {
  const spend = new Map<string, number>();
  for (const j of journeys) for (const m of j.models) spend.set(m.model, (spend.get(m.model) ?? 0) + m.spendUsd);
  return [...spend].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([model]) => model);
}

/** One bar per journey (the `limit` biggest spenders), its segments the models that served it. */
export function journeySpendChart(journeys: readonly JourneyTierSummary[], limit: number): string {
  const shown = [...journeys].sort((a, b) => b.spendUsd - a.spendUsd || a.journey.localeCompare(b.journey)).slice(0, limit);
  if (shown.length === 0) return '<p class="muted">No priced calls in the window.</p>';
  const models = modelsBySpend(shown);
  const colours = new Map(models.map((m, i) => [m, colourOf(i)]));
  const rowH = 22;
  const legendH = Math.ceil(models.length / 4) * 18 + 8;
  const W = 720;
  const L = 170;
  const R = 80;
  const T = legendH;
  const axis = niceTicks(0, Math.max(...shown.map((j) => j.spendUsd), 1e-9));
  const hi = axis[axis.length - 1]!;
  const x = (usd: number): number => L + (usd / hi) * (W - L - R);
  const H = T + shown.length * rowH + 30;
  const legend = models
    .map((m, i) => `<rect x="${L + (i % 4) * 130}" y="${4 + Math.floor(i / 4) * 18}" width="12" height="12" fill="${colours.get(m)}"/><text x="${L + (i % 4) * 130 + 16}" y="${14 + Math.floor(i / 4) * 18}" font-size="11">${esc(m)}</text>`)
    .join('');
  const grid = axis
    .map((t) => `<line x1="${xy(x(t))}" x2="${xy(x(t))}" y1="${T}" y2="${T + shown.length * rowH}" stroke="#eaeef2"/><text class="tick x" x="${xy(x(t))}" y="${T + shown.length * rowH + 16}" text-anchor="middle" font-size="11" fill="#57606a">${esc(formatNumber(t, { unit: 'USD' }))}</text>`)
    .join('');
  const bars = shown
    .map((j, row) => {
      const top = T + row * rowH + 3;
      let at = 0;
      const segments = [...j.models]
        .sort((a, b) => models.indexOf(a.model) - models.indexOf(b.model))
        .map((m) => {
          const from = x(at);
          at += m.spendUsd;
          return `<rect class="spend" data-model="${esc(m.model)}" x="${xy(from)}" y="${top}" width="${xy(Math.max(0, x(at) - from))}" height="16" fill="${colours.get(m.model)}"><title>${esc(`${j.journey} · ${m.model}: ${formatNumber(m.spendUsd, { unit: 'USD' })}, ${formatNumber(m.calls)} calls`)}</title></rect>`;
        })
        .join('');
      return `<g data-journey="${esc(j.journey)}"><text x="${L - 6}" y="${top + 12}" text-anchor="end" font-size="12">${esc(j.journey)}</text>${segments}<text x="${xy(x(j.spendUsd) + 4)}" y="${top + 12}" font-size="11">${esc(formatNumber(j.spendUsd, { unit: 'USD' }))}</text></g>`;
    })
    .join('');
  const rest = journeys.length - shown.length;
  const caption = `Spend per journey in the window, stacked by model${rest > 0 ? `; the ${shown.length} biggest of ${journeys.length} journeys (all are in the JSON report)` : ''}.`;
  return `<figure><svg class="chart" data-chart="journey-spend" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="spend per journey by model">${legend}${grid}${bars}</svg><figcaption>${esc(caption)}</figcaption></figure>`;
}

/**
 * A decision's tests as intervals of the difference (candidate − incumbent, positive: the candidate is
 * better), each [lowerBound, upperBound] with its point estimate, against the −margin line: an interval
 * entirely right of the line is non-inferior; one entirely left of it shows the candidate worse.
 */
export function decisionIntervalChart(decision: TierDecision, margin: number, alpha: number): string {
  const rowH = 26;
  const W = 720;
  const L = 170;
  const R = 20;
  const T = 22;
  const H = T + Math.max(1, decision.tests.length) * rowH + 30;
  const finite = (v: number): boolean => Number.isFinite(v);
  const values = [-margin, 0, ...decision.tests.flatMap((t) => [t.lowerBound, t.upperBound, t.difference].filter(finite))];
  const axis = niceTicks(Math.min(...values), Math.max(...values));
  const lo = axis[0]!;
  const hi = axis[axis.length - 1]!;
  const clamp = (v: number): number => Math.min(hi, Math.max(lo, finite(v) ? v : v > 0 ? hi : lo));
  const x = (v: number): number => L + ((clamp(v) - lo) / (hi - lo)) * (W - L - R);
  const bottom = T + Math.max(1, decision.tests.length) * rowH;
  const grid = axis
    .map((t) => `<line x1="${xy(x(t))}" x2="${xy(x(t))}" y1="${T}" y2="${bottom}" stroke="#eaeef2"/><text class="tick x" x="${xy(x(t))}" y="${bottom + 16}" text-anchor="middle" font-size="11" fill="#57606a">${esc(formatNumber(t, { signed: true }))}</text>`)
    .join('');
  const zero = `<line class="zero" x1="${xy(x(0))}" x2="${xy(x(0))}" y1="${T}" y2="${bottom}" stroke="#57606a"/>`;
  const marginLine = `<line class="margin" x1="${xy(x(-margin))}" x2="${xy(x(-margin))}" y1="${T - 6}" y2="${bottom}" stroke="#cf222e" stroke-dasharray="5 4"/><text x="${xy(x(-margin) - 4)}" y="${T - 8}" text-anchor="end" font-size="11" fill="#cf222e">−margin ${esc(formatNumber(-margin))}</text>`;
  const rows = decision.tests
    .map((t, i) => {
      const mid = T + i * rowH + rowH / 2;
      const colour = t.lowerBound > -margin ? '#1a7f37' : t.upperBound < -margin ? '#cf222e' : '#9a6700';
      const label = `${t.signal}: ${formatNumber(t.difference, { signed: true })} [${formatNumber(t.lowerBound, { signed: true })}, ${formatNumber(t.upperBound, { signed: true })}], p = ${formatNumber(t.pValue, { digits: 2 })}`;
      return `<g class="test" data-signal="${esc(t.signal)}" data-lower="${t.lowerBound}" data-upper="${t.upperBound}"><text x="${L - 6}" y="${xy(mid + 4)}" text-anchor="end" font-size="12">${esc(t.signal)}</text><line x1="${xy(x(t.lowerBound))}" x2="${xy(x(t.upperBound))}" y1="${xy(mid)}" y2="${xy(mid)}" stroke="${colour}" stroke-width="3"/><circle cx="${xy(x(t.difference))}" cy="${xy(mid)}" r="4" fill="${colour}"/><title>${esc(label)}</title></g>`;
    })
    .join('');
  const name = `${decision.journey}: ${decision.candidate} against ${decision.incumbent}`;
  return `<figure><svg class="chart" data-chart="decision" data-journey="${esc(decision.journey)}" data-candidate="${esc(decision.candidate)}" data-verdict="${decision.verdict}" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(name)}">${grid}${zero}${marginLine}${rows}</svg><figcaption>${esc(`${name} (${decision.verdict}): each test's difference with its two-sided ${formatNumber(1 - 2 * alpha, { unit: '%' })} interval; positive means ${decision.candidate} is better. ${decision.sentence}`)}</figcaption></figure>`;
}
