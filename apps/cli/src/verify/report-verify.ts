// Offline verification of an audit report: the DSSE envelope, the statement's subject digest against
// the content, and the bundled ledger entries against the signed checkpoint. Pure: no network, no Nest.
import {
  digestOf, leafHash, nodeHash, openStatement, parseCheckpoint, PredicateType, verifyCheckpoint, type TrustedKey,
} from '@assay/provenance';

export class InvalidReportError extends Error {}

interface BundleEntry {
  index: number;
  leafHash: string;
  entry: string;
}

interface Bundle {
  checkpoint: { origin: string; treeSize: number; rootHash: string; note: string };
  entries: BundleEntry[];
  nodes: Array<{ level: number; index: number; hash: string }>;
  pending: number[];
}

interface Referenced {
  ledgerIndex: number | null;
  subject: string;
}

export interface ReportVerification {
  reportId: string;
  model: string;
  period: { from: string; to: string };
  keyId: string;
  subjectDigest: string;
  treeSize: number;
  entries: number;
  pending: number;
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962 root of [0, size) from the included leaves and the hashes of the perfect subtrees between them. */
export function rootFromMultiproof(size: number, leaves: ReadonlyMap<number, Uint8Array>, nodes: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const sorted = [...leaves.keys()].sort((a, b) => a - b);
  const holds = (lo: number, hi: number): boolean => {
    let a = 0;
    let b = sorted.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (sorted[mid]! < lo) a = mid + 1;
      else b = mid;
    }
    return a < sorted.length && sorted[a]! < hi;
  };
  const used = new Set<string>();
  const walk = (lo: number, hi: number): Uint8Array => {
    const width = hi - lo;
    if (width === 1 && leaves.has(lo)) return leaves.get(lo)!;
    if (!holds(lo, hi) && 2 ** Math.round(Math.log2(width)) === width) {
      const key = `${Math.log2(width)}:${lo / width}`;
      const hash = nodes.get(key);
      if (!hash) throw new InvalidReportError(`the proof lacks the subtree hash ${key}`);
      used.add(key);
      return hash;
    }
    const k = largestPowerOfTwoBelow(width);
    return nodeHash(walk(lo, lo + k), walk(lo + k, hi));
  };
  if (size <= 0) throw new InvalidReportError('the checkpoint covers an empty log');
  const root = walk(0, size);
  if (used.size !== nodes.size) throw new InvalidReportError('the proof carries subtree hashes the tree does not use');
  return root;
}

function fromBase64(text: unknown, what: string): Uint8Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new InvalidReportError(`${what} is not base64`);
  return Buffer.from(text, 'base64');
}

function referencedRecords(content: Record<string, unknown>): Referenced[] {
  const list = (value: unknown): Array<Record<string, unknown>> => (Array.isArray(value) ? (value as Array<Record<string, unknown>>) : []);
  const of = (items: Array<Record<string, unknown>>, subjectOf: (id: string) => string): Referenced[] =>
    items.map((item) => ({ ledgerIndex: typeof item.ledgerIndex === 'number' ? item.ledgerIndex : null, subject: subjectOf(String(item.id)) }));
  const checkRuns = (content.checkRuns ?? {}) as { items?: unknown };
  return [
    ...of(list(content.baselines), (id) => `baseline:${id}`),
    ...of(list(checkRuns.items), (id) => `check_run:${id}`),
    ...of(list(content.gateDecisions), (id) => `gate_decision:${id}`),
    // An alert's entries are its transitions, recorded by the alerts feature under alert/<id>.
    ...of(list(content.alerts), (id) => `alert/${id}`),
  ];
}

/**
 * Throws InvalidReportError (or the provenance lib's VerificationError) when anything does not hold.
 * `keys` are the trusted Ed25519 public keys: the envelope and the checkpoint must each verify with one.
 */
export function verifyReport(envelope: unknown, keys: readonly TrustedKey[]): ReportVerification {
  const statement = openStatement(envelope, keys, { predicateType: PredicateType.AuditReport });
  const predicate = statement.predicate as { content?: Record<string, unknown>; ledger?: Bundle };
  if (!predicate || typeof predicate.content !== 'object' || predicate.content === null || typeof predicate.ledger !== 'object') {
    throw new InvalidReportError('the statement carries no report content and ledger bundle');
  }
  const content = predicate.content;
  const subjectDigest = digestOf(content);
  const subject = statement.subject[0]!;
  if (subject.digest.sha256 !== subjectDigest) {
    throw new InvalidReportError(`the subject digest ${subject.digest.sha256} is not the digest of the content (${subjectDigest})`);
  }
  const bundle = predicate.ledger;
  let origin: string;
  try {
    origin = parseCheckpoint(bundle.checkpoint.note).origin;
  } catch (error) {
    throw new InvalidReportError(`the checkpoint note is malformed: ${(error as Error).message}`);
  }
  let checkpoint: ReturnType<typeof verifyCheckpoint> | null = null;
  for (const key of keys) {
    try {
      checkpoint = verifyCheckpoint(bundle.checkpoint.note, { keyName: origin, publicKeyPem: key.publicKeyPem });
      break;
    } catch {
      // try the next trusted key
    }
  }
  if (!checkpoint) throw new InvalidReportError('the ledger checkpoint is not signed by a trusted key');
  if (checkpoint.treeSize !== bundle.checkpoint.treeSize || Buffer.from(checkpoint.rootHash).toString('base64') !== bundle.checkpoint.rootHash) {
    throw new InvalidReportError('the checkpoint fields differ from its signed note');
  }
  const leaves = new Map<number, Uint8Array>();
  const subjects = new Map<number, string>();
  for (const entry of bundle.entries) {
    const computed = leafHash(Buffer.from(entry.entry, 'utf8'));
    if (Buffer.from(computed).toString('hex') !== entry.leafHash) throw new InvalidReportError(`ledger entry ${entry.index} does not hash to its leaf hash`);
    if (!Number.isSafeInteger(entry.index) || entry.index < 0 || entry.index >= checkpoint.treeSize || leaves.has(entry.index)) {
      throw new InvalidReportError(`ledger entry index ${entry.index} is out of the checkpoint's range or repeated`);
    }
    leaves.set(entry.index, computed);
    let parsed: { subject?: unknown; projectId?: unknown };
    try {
      parsed = JSON.parse(entry.entry) as { subject?: unknown };
    } catch {
      throw new InvalidReportError(`ledger entry ${entry.index} is not JSON`);
    }
    subjects.set(entry.index, String(parsed.subject));
  }
  const nodes = new Map<string, Uint8Array>();
  for (const node of bundle.nodes) nodes.set(`${node.level}:${node.index}`, fromBase64(node.hash, `subtree hash ${node.level}:${node.index}`));
  const root = rootFromMultiproof(checkpoint.treeSize, leaves, nodes);
  if (!Buffer.from(root).equals(Buffer.from(checkpoint.rootHash))) {
    throw new InvalidReportError(`the bundled entries are not in the log of the signed checkpoint of size ${checkpoint.treeSize}`);
  }
  const pending = new Set(bundle.pending);
  for (const record of referencedRecords(content)) {
    if (record.ledgerIndex === null) continue;
    if (pending.has(record.ledgerIndex) && record.ledgerIndex >= checkpoint.treeSize) continue;
    const found = subjects.get(record.ledgerIndex);
    if (found === undefined) throw new InvalidReportError(`${record.subject} names ledger entry ${record.ledgerIndex}, which the report does not bundle`);
    if (found !== record.subject) throw new InvalidReportError(`ledger entry ${record.ledgerIndex} records ${found}, not ${record.subject}`);
  }
  const model = (content.model ?? {}) as { name?: unknown };
  const period = (content.period ?? {}) as { from?: unknown; to?: unknown };
  return {
    reportId: String(content.reportId),
    model: String(model.name),
    period: { from: String(period.from), to: String(period.to) },
    keyId: (envelope as { signatures: Array<{ keyid: string }> }).signatures[0]?.keyid ?? '',
    subjectDigest,
    treeSize: checkpoint.treeSize,
    entries: bundle.entries.length,
    pending: bundle.pending.length,
  };
}
