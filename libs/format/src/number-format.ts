// The one way Assay writes a number for people: reports, the CLI, alert and webhook texts.

export type Unit = 'ms' | 'tokens' | 'USD' | 'Wh' | 'g CO2e' | '%';

export interface NumberFormat {
  /** Significant digits of a value's fraction; the integer part is never rounded away. Default 3. */
  digits?: number;
  unit?: Unit | null;
  /** Writes a plus sign before positive values (changes). */
  signed?: boolean;
}

export const DEFAULT_DIGITS = 3;
// Below this magnitude fixed notation needs many leading zeros, past the other it needs many digits:
// both are written in scientific notation, so that a tiny p-value never reads as 0.
const SMALLEST_FIXED = 1e-3;
const LARGEST_FIXED = 1e15;
/** The smallest p-value doubles tell apart from 0 near the tails Assay computes; an underflowed p is "below" it. */
export const P_VALUE_FLOOR = 1e-300;
const MISSING = '—';

function groupThousands(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function scientific(magnitude: number, digits: number): string {
  const [mantissa, exponent] = magnitude.toExponential(Math.max(0, digits - 1)).split('e') as [string, string];
  const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return `${trimmed}e${exponent.replace('+', '')}`;
}

function fixed(magnitude: number, digits: number): string {
  const integerDigits = magnitude >= 1 ? Math.floor(Math.log10(magnitude)) + 1 : 0;
  const leadingZeros = magnitude >= 1 ? 0 : -Math.floor(Math.log10(magnitude)) - 1;
  const decimals = Math.max(0, digits - integerDigits) + leadingZeros;
  let text = magnitude.toFixed(Math.min(100, decimals));
  if (text.includes('.')) text = text.replace(/\.?0+$/, '');
  const [integer, fraction] = text.split('.') as [string, string | undefined];
  return fraction ? `${groupThousands(integer)}.${fraction}` : groupThousands(integer);
}

/** The magnitude alone, in fixed or scientific notation: a non-zero value never prints as 0. */
function magnitudeText(magnitude: number, digits: number): string {
  if (magnitude === 0) return '0';
  if (magnitude < SMALLEST_FIXED || magnitude >= LARGEST_FIXED) return scientific(magnitude, digits);
  const text = fixed(magnitude, digits);
  // Rounding 0.99951 to three digits gives 1, which is still not 0; only a value rounding to 0 needs another form.
  return /^[0.,]+$/.test(text) ? scientific(magnitude, digits) : text;
}

function withUnit(text: string, sign: string, unit: Unit | null | undefined): string {
  switch (unit) {
    case undefined:
    case null:
      return `${sign}${text}`;
    case 'USD':
      return `${sign}$${text}`;
    case '%':
      return `${sign}${text}%`;
    default:
      return `${sign}${text} ${unit}`;
  }
}

/**
 * `1.6e-206`, `0.0683`, `1,240 tokens`, `$0.0012`, `-3.5 ms`, `52%` (unit `%` takes a fraction: 0.52).
 * Missing and non-finite values are `—` and `∞`.
 */
export function formatNumber(value: number | null | undefined, format: NumberFormat = {}): string {
  if (value === null || value === undefined || Number.isNaN(value)) return MISSING;
  const digits = Math.max(1, Math.min(17, Math.round(format.digits ?? DEFAULT_DIGITS)));
  const scaled = format.unit === '%' ? value * 100 : value;
  const sign = scaled < 0 ? '-' : format.signed && scaled > 0 ? '+' : '';
  const magnitude = Math.abs(scaled);
  const text = Number.isFinite(magnitude) ? magnitudeText(magnitude, digits) : '∞';
  return withUnit(text, sign, format.unit);
}

// Past ten significant digits a difference is binary noise (0.1 + 0.2 against 0.3), not something to show.
const MAX_DISTINGUISHING_DIGITS = 10;

/**
 * Two sides of a comparison, with as many digits as it takes to show they differ (`0.79996` and `0.8`,
 * not `0.8` and `0.8`), up to ten.
 */
export function formatSides(left: number | null | undefined, right: number | null | undefined, format: NumberFormat = {}): [string, string] {
  let digits = format.digits ?? DEFAULT_DIGITS;
  const side = (value: number | null | undefined): string => formatNumber(value, { ...format, digits });
  while (left !== right && side(left) === side(right) && digits < MAX_DISTINGUISHING_DIGITS) digits++;
  return [side(left), side(right)];
}

/** A count: every digit, grouped by thousands. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return formatNumber(value);
  return Number.isInteger(value) ? `${value < 0 ? '-' : ''}${groupThousands(String(Math.abs(value)))}` : formatNumber(value);
}

/** `p = 0.034`, `p = 1.6e-206`, or `p < 1e-300` for a p-value that underflowed to 0 (it is below that, not 0). */
export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return `p ${MISSING}`;
  if (p < P_VALUE_FLOOR) return `p < ${scientific(P_VALUE_FLOOR, 1)}`;
  return `p = ${formatNumber(p, { digits: 2 })}`;
}

/** The relative change from `from` to `to` as a signed percentage, or null when it has none (from 0). */
export function relativeChange(from: number | null | undefined, to: number | null | undefined): number | null {
  if (from === null || from === undefined || to === null || to === undefined || !Number.isFinite(from) || !Number.isFinite(to)) return null;
  if (from === 0) return to === 0 ? 0 : null;
  return (to - from) / Math.abs(from);
}

export function formatChange(from: number | null | undefined, to: number | null | undefined): string | null {
  const change = relativeChange(from, to);
  if (change === null) return null;
  return formatNumber(change, { unit: '%', signed: true, digits: 2 });
}

const UNIT_SUFFIXES: ReadonlyArray<[RegExp, Unit]> = [
  [/(^|_)ms$/, 'ms'],
  [/(^|_)tokens$/, 'tokens'],
  [/(^|_)usd$/, 'USD'],
  [/(^|_)wh$/, 'Wh'],
  [/(^|_)co2e(_g)?$/, 'g CO2e'],
];

/** The unit a signal's name states by Assay's convention (`latency_ms`, `output_tokens`, `cost_usd`, …), or null. */
export function unitOfSignal(signal: string | null | undefined): Unit | null {
  if (!signal) return null;
  const name = signal.toLowerCase();
  for (const [pattern, unit] of UNIT_SUFFIXES) if (pattern.test(name)) return unit;
  return null;
}
