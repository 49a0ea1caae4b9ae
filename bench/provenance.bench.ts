// Provenance figures: Merkle log appends and proofs at millions of entries, DSSE and checkpoints.
// Baselines, measured in the same run: rehashing the whole log (what a proof costs without
// stored subtrees) and JSON.stringify (for canonical JSON).
import { createHash } from 'node:crypto';
import {
  canonicalize,
  consistencyProof,
  consistencyProofPlan,
  Ed25519Signer,
  encodeCheckpointBody,
  inclusionProof,
  inclusionProofPlan,
  MemoryNodeStore,
  merkleRoot,
  nodeStoreOf,
  openStatement,
  PredicateType,
  buildStatement,
  rootAt,
  signCheckpoint,
  signStatement,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  type NodeId,
} from '@assay/provenance';

const LOG_SIZE = Number(process.env.BENCH_LOG_SIZE ?? 2_000_003);
const PROOFS = 20_000;

function time<T>(action: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = action();
  return { result, ms: performance.now() - start };
}

async function timeAsync<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await action();
  return { result, ms: performance.now() - start };
}

function perOp(ms: number, count: number): string {
  return `${((ms * 1000) / count).toFixed(1)} µs/op`;
}

function line(label: string, value: string): void {
  console.log(`${label.padEnd(58)} ${value}`);
}

let seed = 42;
function random(below: number): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return Math.floor((seed / 2 ** 31) * below);
}

const store = new MemoryNodeStore();
const leafHashes: Uint8Array[] = [];
for (let i = 0; i < LOG_SIZE; i++) {
  leafHashes.push(new Uint8Array(createHash('sha256').update(`entry ${i}`).digest()));
}
console.log(`provenance benchmark — log of ${LOG_SIZE.toLocaleString('en')} entries, node ${process.version}`);

const append = time(() => {
  for (const leaf of leafHashes) store.append(leaf);
});
line('append (leaf + completed parents stored)', `${perOp(append.ms, LOG_SIZE)}  (${(LOG_SIZE / (append.ms / 1000) / 1e6).toFixed(2)} M leaves/s)`);

const baselineRoot = time(() => merkleRoot(leafHashes));
line('BASELINE rehash whole log for one root/proof', `${baselineRoot.ms.toFixed(0)} ms/op`);
const storedRoot = time(() => rootAt(LOG_SIZE, store));
line('rootAt(size) from stored subtrees', `${(storedRoot.ms * 1000).toFixed(1)} µs/op`);
if (Buffer.compare(storedRoot.result, baselineRoot.result) !== 0) throw new Error('stored root differs from rehashed root');

function fetchPlan(plan: readonly NodeId[]) {
  // Stands in for the one SELECT the ledger runs over the planned node ids.
  return nodeStoreOf(plan.map(({ level, index }) => ({ level, index, hash: store.get(level, index) })));
}

const inclusionCases = Array.from({ length: PROOFS }, () => {
  const size = LOG_SIZE - random(1000);
  return { index: random(size), size };
});
let planned = 0;
const inclusion = time(() =>
  inclusionCases.map(({ index, size }) => {
    const plan = inclusionProofPlan(index, size);
    planned += plan.length;
    return inclusionProof(index, size, fetchPlan(plan));
  }),
);
line('inclusion proof: plan + fetch planned nodes + build', `${perOp(inclusion.ms, PROOFS)}  (${(planned / PROOFS).toFixed(1)} nodes fetched)`);
const inclusionVerify = time(() =>
  inclusionCases.every(({ index, size }, i) =>
    verifyInclusion(index, size, store.get(0, index), inclusion.result[i]!, rootAt(size, store)),
  ),
);
if (!inclusionVerify.result) throw new Error('an inclusion proof failed to verify');
line('inclusion verify (incl. rootAt for the size)', perOp(inclusionVerify.ms, PROOFS));

const consistencyCases = Array.from({ length: PROOFS }, () => {
  const size2 = LOG_SIZE - random(1000);
  return { size1: 1 + random(size2 - 1), size2 };
});
planned = 0;
const consistency = time(() =>
  consistencyCases.map(({ size1, size2 }) => {
    const plan = consistencyProofPlan(size1, size2);
    planned += plan.length;
    return consistencyProof(size1, size2, fetchPlan(plan));
  }),
);
line('consistency proof: plan + fetch planned nodes + build', `${perOp(consistency.ms, PROOFS)}  (${(planned / PROOFS).toFixed(1)} nodes fetched)`);
const consistencyVerify = time(() =>
  consistencyCases.every(({ size1, size2 }, i) =>
    verifyConsistency(size1, size2, rootAt(size1, store), rootAt(size2, store), consistency.result[i]!),
  ),
);
if (!consistencyVerify.result) throw new Error('a consistency proof failed to verify');
line('consistency verify (incl. rootAt for both sizes)', perOp(consistencyVerify.ms, PROOFS));
line('speed-up of a stored-subtree proof over rehashing', `${(baselineRoot.ms / (inclusion.ms / PROOFS)).toFixed(0)}×`);

const signer = Ed25519Signer.generate();
const predicate = {
  monitor: 'latency-ks',
  statistic: 0.0421,
  pValue: 0.183,
  windows: Array.from({ length: 40 }, (_, i) => ({ bucket: i, reference: i * 17, current: i * 19, label: `bucket-${i}` })),
};
const statement = buildStatement([{ name: 'model:fraud@3', digest: { sha256: 'a'.repeat(64) } }], PredicateType.DriftCheck, predicate);
const ROUNDS = 5_000;
const canonical = time(() => {
  for (let i = 0; i < ROUNDS; i++) canonicalize(statement);
});
const stringify = time(() => {
  for (let i = 0; i < ROUNDS; i++) JSON.stringify(statement);
});
const bytes = Buffer.byteLength(canonicalize(statement));
line(`canonicalize a ${bytes}-byte statement`, perOp(canonical.ms, ROUNDS));
line('BASELINE JSON.stringify of the same statement', perOp(stringify.ms, ROUNDS));

const signing = await timeAsync(async () => {
  const envelopes = [];
  for (let i = 0; i < ROUNDS; i++) envelopes.push(await signStatement(statement, signer));
  return envelopes;
});
line('signStatement (canonicalize + PAE + Ed25519)', perOp(signing.ms, ROUNDS));
const keys = [{ publicKeyPem: signer.publicKeyPem }];
const opening = time(() => {
  for (const envelope of signing.result) openStatement(envelope, keys);
});
line('openStatement (verify + parse)', perOp(opening.ms, ROUNDS));

const body = encodeCheckpointBody({ origin: 'assay.example/ledger', treeSize: LOG_SIZE, rootHash: storedRoot.result });
const checkpoint = await timeAsync(() => signCheckpoint(body, 'assay.example/ledger', signer));
const checkpointVerify = time(() => {
  for (let i = 0; i < ROUNDS; i++) verifyCheckpoint(checkpoint.result, { keyName: 'assay.example/ledger', publicKeyPem: signer.publicKeyPem });
});
line('verifyCheckpoint', perOp(checkpointVerify.ms, ROUNDS));
