// The stored form of a DistinctSketch: a format byte, the precision, then either every register
// (dense) or only the non-zero ones as (index: 2 bytes big-endian, value: 1 byte) in index order
// (sparse), whichever is shorter. An hour of a quiet journey then costs a few hundred bytes, not 2^p.
import { StatsInputError } from '../stats-input.error.js';
import { DistinctSketch } from './distinct-sketch.js';

const DENSE = 1;
const SPARSE = 2;
const HEADER = 2;
const PAIR = 3;
// Indexes must fit the sparse pairs' two bytes.
const MAX_SPARSE_PRECISION = 16;

/** Encodes the registers of a precision-`precision` sketch. */
export function encodeDistinctRegisters(precision: number, registers: Uint8Array): Uint8Array {
  let nonZero = 0;
  for (let i = 0; i < registers.length; i++) if (registers[i] !== 0) nonZero++;
  if (precision > MAX_SPARSE_PRECISION || HEADER + nonZero * PAIR >= HEADER + registers.length) {
    const out = new Uint8Array(HEADER + registers.length);
    out[0] = DENSE;
    out[1] = precision;
    out.set(registers, HEADER);
    return out;
  }
  const out = new Uint8Array(HEADER + nonZero * PAIR);
  out[0] = SPARSE;
  out[1] = precision;
  let at = HEADER;
  for (let i = 0; i < registers.length; i++) {
    if (registers[i] === 0) continue;
    out[at] = i >>> 8;
    out[at + 1] = i & 0xff;
    out[at + 2] = registers[i];
    at += PAIR;
  }
  return out;
}

/**
 * Takes stored bytes into `registers` (register-wise maximum: the union), for a sketch of
 * `precision`. Throws StatsInputError on bytes that are not a sketch of that precision.
 */
export function mergeDistinctBytes(bytes: Uint8Array, precision: number, registers: Uint8Array): void {
  if (bytes.length < HEADER) throw new StatsInputError(`a stored distinct sketch has at least ${HEADER} bytes, got ${bytes.length}`);
  if (bytes[1] !== precision) throw new StatsInputError(`cannot merge a precision-${bytes[1]} sketch into a precision-${precision} one`);
  const size = 1 << precision;
  const maxRank = 64 - precision + 1;
  if (bytes[0] === DENSE) {
    if (bytes.length !== HEADER + size) throw new StatsInputError(`a dense precision-${precision} sketch has ${HEADER + size} bytes, got ${bytes.length}`);
    for (let i = 0; i < size; i++) {
      const value = bytes[HEADER + i];
      if (value > maxRank) throw new StatsInputError(`register value ${value} exceeds ${maxRank}`);
      if (value > registers[i]) registers[i] = value;
    }
    return;
  }
  if (bytes[0] !== SPARSE || (bytes.length - HEADER) % PAIR !== 0) throw new StatsInputError('not a stored distinct sketch');
  for (let at = HEADER; at < bytes.length; at += PAIR) {
    const index = (bytes[at] << 8) | bytes[at + 1];
    const value = bytes[at + 2];
    if (index >= size || value > maxRank) throw new StatsInputError(`register ${index} = ${value} is outside a precision-${precision} sketch`);
    if (value > registers[index]) registers[index] = value;
  }
}

/** The union of stored sketches of one precision (the precision of the first; DEFAULT when none). */
export function unionOfDistinctBytes(stored: Iterable<Uint8Array>, precision?: number): DistinctSketch {
  let registers: Uint8Array | null = null;
  let p = precision;
  for (const bytes of stored) {
    if (p === undefined) {
      if (bytes.length < HEADER) throw new StatsInputError('not a stored distinct sketch');
      p = bytes[1];
    }
    registers ??= new Uint8Array(1 << p);
    mergeDistinctBytes(bytes, p, registers);
  }
  return p === undefined || registers === null ? new DistinctSketch(p) : new DistinctSketch(p, registers);
}
