// A HyperLogLog distinct-count sketch (Flajolet et al. 2007) estimated with Ertl's improved raw
// estimator (2017), which needs no empirical bias tables and holds its error from 0 to billions.
import { StatsInputError } from '../stats-input.error.js';

export const DEFAULT_DISTINCT_PRECISION = 14;
const MIN_PRECISION = 4;
const MAX_PRECISION = 18;
const HASH_BITS = 64;

export interface DistinctSketchJSON {
  precision: number;
  /** The registers, one byte each, base64. */
  registers: string;
}

export class DistinctSketch {
  readonly precision: number;
  private readonly registers: Uint8Array;

  constructor(precision = DEFAULT_DISTINCT_PRECISION, registers?: Uint8Array) {
    if (!Number.isInteger(precision) || precision < MIN_PRECISION || precision > MAX_PRECISION) {
      throw new StatsInputError(`precision must be a whole number from ${MIN_PRECISION} to ${MAX_PRECISION}, got ${precision}`);
    }
    this.precision = precision;
    const size = 1 << precision;
    if (registers !== undefined && registers.length !== size) throw new StatsInputError(`a precision-${precision} sketch has ${size} registers, got ${registers.length}`);
    this.registers = registers ?? new Uint8Array(size);
  }

  /** The relative standard error of `estimate()`: 1.04 / √m. */
  get standardError(): number {
    return 1.04 / Math.sqrt(this.registers.length);
  }

  /** Adds one item by a uniform 64-bit hash of it, given as its high and low 32 bits. */
  addHash(high: number, low: number): void {
    const p = this.precision;
    const index = high >>> (32 - p);
    // The bits after the index, left-aligned, with a sentinel so that the rank stays ≤ 64 − p + 1.
    const restHigh = ((high << p) | (low >>> (32 - p))) >>> 0;
    const restLow = ((low << p) | (1 << (p - 1))) >>> 0;
    const rank = (restHigh !== 0 ? Math.clz32(restHigh) : 32 + Math.clz32(restLow)) + 1;
    if (rank > this.registers[index]) this.registers[index] = rank;
  }

  /** Adds one item by a 64-bit hash held in its first 8 bytes (e.g. a SHA-256 digest). */
  addDigest(digest: Uint8Array): void {
    if (digest.length < 8) throw new StatsInputError(`a digest of at least 8 bytes is needed, got ${digest.length}`);
    const view = new DataView(digest.buffer, digest.byteOffset, 8);
    this.addHash(view.getUint32(0), view.getUint32(4));
  }

  /** Takes in another sketch of the same precision: the result counts the union. */
  merge(other: DistinctSketch): void {
    if (other.precision !== this.precision) throw new StatsInputError(`cannot merge a precision-${other.precision} sketch into a precision-${this.precision} one`);
    const mine = this.registers;
    const theirs = other.registers;
    for (let i = 0; i < mine.length; i++) if (theirs[i] > mine[i]) mine[i] = theirs[i];
  }

  /** The estimated number of distinct items added. */
  estimate(): number {
    const m = this.registers.length;
    const q = HASH_BITS - this.precision;
    const counts = new Array<number>(q + 2).fill(0);
    for (const value of this.registers) counts[value]++;
    let z = m * tau(1 - counts[q + 1] / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + counts[k]);
    z += m * sigma(counts[0] / m);
    return m * m / (2 * Math.LN2 * z);
  }

  toJSON(): DistinctSketchJSON {
    return { precision: this.precision, registers: Buffer.from(this.registers).toString('base64') };
  }

  static fromJSON(json: DistinctSketchJSON): DistinctSketch {
    const registers = new Uint8Array(Buffer.from(json.registers, 'base64'));
    const sketch = new DistinctSketch(json.precision, registers);
    const maxRank = HASH_BITS - json.precision + 1;
    for (const value of registers) if (value > maxRank) throw new StatsInputError(`register value ${value} exceeds ${maxRank}`);
    return sketch;
  }
}

// Ertl's σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k−1), for the share of empty registers.
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  let power = x;
  do {
    power *= power;
    previous = z;
    z += power * y;
    y += y;
  } while (z !== previous);
  return z;
}

// Ertl's τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))² 2^−k) / 3, for the share of saturated registers.
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  let root = x;
  do {
    root = Math.sqrt(root);
    previous = z;
    y *= 0.5;
    z -= (1 - root) ** 2 * y;
  } while (z !== previous);
  return z / 3;
}
