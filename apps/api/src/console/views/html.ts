/** Escapes text for HTML content and double- or single-quoted attributes. */
export const esc = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Markup already escaped, told apart from plain strings so that a view cannot forget to escape. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export const raw = (text: string): Html => new Html(text);

/** A template tag: interpolated values are escaped unless they are Html (or arrays of it). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return esc(value);
}

const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Significant digits for measurements, grouped integers for counts, a dash for what is unknown. */
export function num(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (Number.isInteger(value) && Math.abs(value) >= 1000) return GROUPED.format(value);
  return Number(value.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 12 });
}

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `$${value < 1 ? Number(value.toPrecision(3)) : value.toFixed(2)}`;
}

export function when(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const iso = typeof value === 'string' ? value : value.toISOString();
  return iso.replace('T', ' ').replace(/(:\d\d)\.\d+Z$/, '$1Z');
}

/** A check run's explanation sentence (baseline vs current, the test, the verdict); its reason for runs from before explanations. */
export function sentenceOfRun(run: { reason: string; explanation?: Record<string, unknown> | null }): string {
  const sentence = run.explanation?.sentence;
  return typeof sentence === 'string' && sentence.length > 0 ? sentence : run.reason;
}
