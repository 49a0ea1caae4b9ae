// Server-side SVG for the report page: time charts of each monitor and baseline-vs-current pictures.
import { formatNumber, P_VALUE_FLOOR, type Unit } from '@assay/format';
import type { CategoricalSummary, NumericSummary } from '@assay/stats';
import type { ReportContent, ReportDistribution, ReportSeries } from './report-content.js';

export const esc = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const xy = (v: number): string => v.toFixed(1);
const asUnit = (unit: string | null): Unit | null => unit as Unit | null;
const BASELINE_COLOUR = '#57606a';
const CURRENT_COLOUR = '#d1242f';

/** Round tick values covering [lo, hi]: the axis then starts and ends on them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) {
    const pad = Math.abs(hi) * 0.1 || 1;
    return niceTicks(lo - (lo === 0 ? 0 : pad), hi + pad, count);
  }
  const raw = (hi - lo) / Math.max(1, count - 1);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  const step = (normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 5 ? 5 : 10) * magnitude;
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

function timeLabel(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  return spanMs <= 2 * 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}Z` : iso.slice(0, 10);
}

interface Frame {
  W: number;
  H: number;
  L: number;
  R: number;
  T: number;
  B: number;
}

function yAxis(frame: Frame, ticks: Array<{ y: number; label: string }>, title: string): string {
  const lines = ticks
    .map((t) => `<line x1="${frame.L}" x2="${frame.W - frame.R}" y1="${xy(t.y)}" y2="${xy(t.y)}" stroke="#eaeef2"/><text class="tick y" x="${frame.L - 6}" y="${xy(t.y + 4)}" text-anchor="end" font-size="11" fill="#57606a">${esc(t.label)}</text>`)
    .join('');
  const middle = (frame.T + frame.H - frame.B) / 2;
  return `${lines}<text class="axis-title" x="12" y="${xy(middle)}" transform="rotate(-90 12 ${xy(middle)})" text-anchor="middle" font-size="11" fill="#57606a">${esc(title)}</text>`;
}

function timeAxis(frame: Frame, start: number, span: number): string {
  const labels: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const x = frame.L + (i / 4) * (frame.W - frame.L - frame.R);
    const anchor = i === 0 ? 'start' : i === 4 ? 'end' : 'middle';
    labels.push(`<text class="tick x" x="${xy(x)}" y="${frame.H - frame.B + 16}" text-anchor="${anchor}" font-size="11" fill="#57606a">${esc(timeLabel(start + (i / 4) * span, span))}</text>`);
  }
  return labels.join('');
}

/**
 * A monitor's check runs over the period. Methods judged on a p-value plot the smallest p-value of each
 * bucket on a log scale with the decision line at the threshold; the others plot the statistic (band:
 * min–max) in its unit with the threshold line.
 */
export function seriesChart(series: ReportSeries, period: ReportContent['period']): string {
  const frame: Frame = { W: 720, H: 230, L: 76, R: 12, T: 14, B: 40 };
  const onPValue = series.decidedOn === 'p-value';
  const points = series.points.filter((p) => (onPValue ? p.minPValue !== null : p.mean !== null));
  const start = Date.parse(period.from);
  const span = Math.max(1, Date.parse(period.to) - start);
  const x = (iso: string): number => frame.L + ((Date.parse(iso) - start) / span) * (frame.W - frame.L - frame.R);
  const mid = (p: { from: string; to: string }): number => (x(p.from) + x(p.to)) / 2;
  const unit = asUnit(series.unit);
  let y: (v: number) => number;
  let ticks: Array<{ y: number; label: string }>;
  let value: (p: ReportSeries['points'][number]) => number;
  let band = '';
  let decision = '';
  let title: string;
  const plotHeight = frame.H - frame.T - frame.B;
  if (onPValue) {
    const log = (p: number): number => Math.log10(Math.max(p, P_VALUE_FLOOR));
    const logs = points.map((p) => log(p.minPValue!));
    if (series.threshold !== null && series.threshold > 0) logs.push(log(series.threshold));
    const lowest = Math.floor(Math.min(-1, ...logs));
    const decades = Math.max(1, Math.ceil(-lowest / 5));
    const bottom = -Math.ceil(-lowest / decades) * decades;
    y = (p) => frame.T + (log(p) / bottom) * plotHeight;
    ticks = [];
    for (let e = 0; e >= bottom; e -= decades) ticks.push({ y: y(10 ** e), label: formatNumber(10 ** e) });
    value = (p) => p.minPValue!;
    title = 'smallest p-value (log scale)';
    if (series.threshold !== null && series.threshold > 0) {
      const at = y(series.threshold);
      decision = `<line class="decision" x1="${frame.L}" x2="${frame.W - frame.R}" y1="${xy(at)}" y2="${xy(at)}" stroke="#cf222e" stroke-dasharray="5 4"/><text x="${frame.W - frame.R - 4}" y="${xy(at - 4)}" text-anchor="end" font-size="11" fill="#cf222e">significant when p ≤ α = ${esc(formatNumber(series.threshold))}</text>`;
    }
  } else {
    const values = points.flatMap((p) => [p.min ?? p.mean!, p.max ?? p.mean!]);
    if (series.threshold !== null) values.push(series.threshold);
    const axis = niceTicks(values.length > 0 ? Math.min(...values) : 0, values.length > 0 ? Math.max(...values) : 1);
    const lo = axis[0]!;
    const hi = axis[axis.length - 1]!;
    y = (v) => frame.T + (1 - (v - lo) / (hi - lo)) * plotHeight;
    ticks = axis.map((t) => ({ y: y(t), label: formatNumber(t, { unit }) }));
    value = (p) => p.mean!;
    title = series.kind === 'policy' ? `rule value${unit ? ` (${unit})` : ''}` : `${series.method ?? 'statistic'}${unit ? ` (${unit})` : ''}`;
    if (points.length > 1) {
      band = `<polygon class="band" fill="#0969da22" stroke="none" points="${[
        ...points.map((p) => `${xy(mid(p))},${xy(y(p.max ?? p.mean!))}`),
        ...[...points].reverse().map((p) => `${xy(mid(p))},${xy(y(p.min ?? p.mean!))}`),
      ].join(' ')}"/>`;
    }
    if (series.threshold !== null) {
      const at = y(series.threshold);
      decision = `<line class="threshold" x1="${frame.L}" x2="${frame.W - frame.R}" y1="${xy(at)}" y2="${xy(at)}" stroke="#cf222e" stroke-dasharray="5 4"/><text x="${frame.W - frame.R - 4}" y="${xy(at - 4)}" text-anchor="end" font-size="11" fill="#cf222e">threshold ${esc(formatNumber(series.threshold, { unit }))}</text>`;
    }
  }
  const line = points.map((p) => `${xy(mid(p))},${xy(y(value(p)))}`).join(' ');
  const flagged = points
    .filter((p) => p.flagged > 0)
    .map((p) => `<circle class="flag" cx="${xy(mid(p))}" cy="${xy(y(value(p)))}" r="3" fill="#cf222e"><title>${p.flagged} of ${p.runs} runs flagged</title></circle>`)
    .join('');
  const name = `${series.name} (${series.kind === 'policy' ? 'policy' : `${series.signal ?? ''}, ${series.method ?? ''}`})`;
  const runs = points.reduce((n, p) => n + p.runs, 0);
  const caption = onPValue
    ? `${name}: smallest p-value per bucket, ${formatNumber(runs)} runs; at or below the dashed line a run is significant; red dots where a run drifted (significant and past the monitor's effect threshold).`
    : `${name}: mean ${series.kind === 'policy' ? 'rule value' : 'statistic'} per bucket (band: min–max), ${formatNumber(runs)} runs, red dots where a run drifted or breached.`;
  return `<figure><svg class="chart" data-monitor="${esc(series.monitorId)}" data-decided-on="${series.decidedOn}" viewBox="0 0 ${frame.W} ${frame.H}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(name)}">
<rect x="${frame.L}" y="${frame.T}" width="${frame.W - frame.L - frame.R}" height="${plotHeight}" fill="none" stroke="#d0d7de"/>
${yAxis(frame, ticks, title)}${timeAxis(frame, start, span)}
${band}${decision}<polyline class="series" fill="none" stroke="#0969da" stroke-width="1.6" points="${line}"/>${flagged}
</svg><figcaption>${esc(caption)}</figcaption></figure>`;
}

function legend(frame: Frame, baseline: string, current: string): string {
  const x = frame.L + 8;
  return `<rect x="${x}" y="${frame.T + 6}" width="12" height="3" fill="${BASELINE_COLOUR}"/><text x="${x + 16}" y="${frame.T + 11}" font-size="11">${esc(baseline)}</text>` +
    `<rect x="${x}" y="${frame.T + 22}" width="12" height="3" fill="${CURRENT_COLOUR}"/><text x="${x + 16}" y="${frame.T + 27}" font-size="11">${esc(current)}</text>`;
}

/** The quantile functions of baseline and current, drawn as ECDFs on one value axis. */
function ecdfOverlay(d: ReportDistribution, baseline: NumericSummary, current: NumericSummary): string {
  const frame: Frame = { W: 720, H: 240, L: 56, R: 16, T: 12, B: 40 };
  const unit = asUnit(d.unit);
  const all = [...baseline.quantiles, ...current.quantiles];
  const axis = niceTicks(Math.min(...all), Math.max(...all));
  const lo = axis[0]!;
  const hi = axis[axis.length - 1]!;
  const plotWidth = frame.W - frame.L - frame.R;
  const plotHeight = frame.H - frame.T - frame.B;
  const x = (v: number): number => frame.L + ((v - lo) / (hi - lo)) * plotWidth;
  const y = (share: number): number => frame.T + (1 - share) * plotHeight;
  const curve = (summary: NumericSummary, which: 'baseline' | 'current', colour: string): string => {
    const levels = summary.quantiles.map((_, i) => i / (summary.quantiles.length - 1));
    const points = summary.quantiles.map((q, i) => `${xy(x(q))},${xy(y(levels[i]!))}`).join(' ');
    return `<polyline class="ecdf ${which}" fill="none" stroke="${colour}" stroke-width="2" points="${points}"/>`;
  };
  const xTicks = axis
    .map((t) => `<line x1="${xy(x(t))}" x2="${xy(x(t))}" y1="${frame.T}" y2="${frame.H - frame.B}" stroke="#eaeef2"/><text class="tick x" x="${xy(x(t))}" y="${frame.H - frame.B + 16}" text-anchor="middle" font-size="11" fill="#57606a">${esc(formatNumber(t, { unit }))}</text>`)
    .join('');
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((s) => ({ y: y(s), label: formatNumber(s, { unit: '%' }) }));
  const describe = (label: string, s: NumericSummary): string => `${label}: ${formatNumber(s.count)} values, median ${formatNumber(s.p50, { unit })}, p95 ${formatNumber(s.p95, { unit })}`;
  return `<svg class="chart distribution" data-distribution="${esc(d.monitorId)}" data-picture="ecdf" viewBox="0 0 ${frame.W} ${frame.H}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(`${d.name}: baseline and current distributions of ${d.signal ?? ''}`)}">
<rect x="${frame.L}" y="${frame.T}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#d0d7de"/>${xTicks}${yAxis(frame, yTicks, 'share of values ≤ x')}
<text x="${xy(frame.L + plotWidth / 2)}" y="${frame.H - 6}" text-anchor="middle" font-size="11" fill="#57606a">${esc(`${d.signal ?? 'value'}${unit ? ` (${unit})` : ''}`)}</text>
${curve(baseline, 'baseline', BASELINE_COLOUR)}${curve(current, 'current', CURRENT_COLOUR)}${legend(frame, describe('baseline', baseline), describe('current', current))}
</svg>`;
}

/** Each listed category's share in baseline and current, as paired bars. */
function shareBars(d: ReportDistribution, baseline: CategoricalSummary, current: CategoricalSummary): string {
  const rows = baseline.categories.map((c, i) => ({ category: c.category, baseline: c.share, current: current.categories[i]?.share ?? 0 }));
  if (baseline.otherShare > 0 || current.otherShare > 0) rows.push({ category: 'other', baseline: baseline.otherShare, current: current.otherShare });
  const frame: Frame = { W: 720, H: rows.length * 34 + 52, L: 170, R: 70, T: 44, B: 8 };
  const width = frame.W - frame.L - frame.R;
  const bars = rows
    .map((r, i) => {
      const top = frame.T + i * 34;
      const bar = (share: number, offset: number, which: 'baseline' | 'current', colour: string): string => {
        const w = Math.max(share > 0 ? 1 : 0, share * width);
        return `<rect class="share ${which}" x="${frame.L}" y="${top + offset}" width="${xy(w)}" height="12" fill="${colour}"><title>${esc(`${which} ${formatNumber(share, { unit: '%' })}`)}</title></rect><text x="${xy(frame.L + w + 4)}" y="${top + offset + 10}" font-size="11">${esc(formatNumber(share, { unit: '%' }))}</text>`;
      };
      return `<text x="${frame.L - 6}" y="${top + 17}" text-anchor="end" font-size="12">${esc(r.category)}</text>${bar(r.baseline, 2, 'baseline', BASELINE_COLOUR)}${bar(r.current, 16, 'current', CURRENT_COLOUR)}`;
    })
    .join('');
  return `<svg class="chart distribution" data-distribution="${esc(d.monitorId)}" data-picture="shares" viewBox="0 0 ${frame.W} ${frame.H}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(`${d.name}: baseline and current shares of ${d.signal ?? ''}`)}">
${legend({ ...frame, L: frame.L - 8, T: 0 }, `baseline: ${formatNumber(baseline.count)} values`, `current: ${formatNumber(current.count)} values`)}${bars}
</svg>`;
}

export function distributionFigure(d: ReportDistribution): string {
  const { baseline, current } = d;
  let picture: string;
  if (baseline.kind === 'numeric' && current.kind === 'numeric' && baseline.quantiles.length > 1 && current.quantiles.length > 1) picture = ecdfOverlay(d, baseline, current);
  else if (baseline.kind === 'categorical' && current.kind === 'categorical') picture = shareBars(d, baseline, current);
  else return '';
  return `<figure>${picture}<figcaption>${esc(`${d.name} (${d.verdict} at ${d.windowTo.replace('T', ' ')}): ${d.summary}`)}</figcaption></figure>`;
}
