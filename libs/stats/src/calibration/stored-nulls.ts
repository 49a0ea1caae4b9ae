import { NULL_REPLICATES, RESAMPLED_METHODS, type NullDistribution, type ResampledMethod } from './null-distribution.js';

/** One simulated null as a baseline stores it: its replicates as little-endian float64, base64. */
export interface StoredNull {
  method: ResampledMethod;
  /** Reference-quantile bins of PSI, Jensen–Shannon and Hellinger; 0 for the Wasserstein distances. */
  bins: number;
  nReference: number;
  nSimulated: number;
  replicates: string;
}

/** The nulls kept with one baseline signal, derived from its profile alone (so outside its digest). */
export interface ReferenceNulls {
  version: 1;
  nulls: StoredNull[];
}

export function encodeNull(method: ResampledMethod, bins: number, nReference: number, nSimulated: number, null_: NullDistribution): StoredNull {
  const { replicates } = null_;
  const bytes = Buffer.from(replicates.buffer, replicates.byteOffset, replicates.byteLength);
  return { method, bins, nReference, nSimulated, replicates: bytes.toString('base64') };
}

function decodeReplicates(text: string): Float64Array | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength !== NULL_REPLICATES * 8) return null;
  const replicates = new Float64Array(NULL_REPLICATES);
  for (let i = 0; i < NULL_REPLICATES; i++) replicates[i] = bytes.readDoubleLE(i * 8);
  for (let i = 1; i < NULL_REPLICATES; i++) if (!(replicates[i]! >= replicates[i - 1]!)) return null;
  return replicates;
}

/** The stored null for these sizes, or undefined: a malformed or foreign entry is ignored, and the null is simulated instead. */
export function findStoredNull(
  stored: ReferenceNulls,
  method: ResampledMethod,
  bins: number,
  nReference: number,
  nSimulated: number,
): NullDistribution | undefined {
  if (stored?.version !== 1 || !Array.isArray(stored.nulls)) return undefined;
  const entry = stored.nulls.find((n) => n.method === method && n.bins === bins && n.nReference === nReference && n.nSimulated === nSimulated);
  if (!entry || !RESAMPLED_METHODS.has(entry.method) || typeof entry.replicates !== 'string') return undefined;
  const replicates = decodeReplicates(entry.replicates);
  return replicates ? { replicates } : undefined;
}
