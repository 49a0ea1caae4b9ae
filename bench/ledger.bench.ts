// Ledger figures against a real PostgreSQL: appends/s through ledger_append_many (single appends
// and batches, concurrent clients) and inclusion-proof latency at 1M entries. Baselines, measured
// in the same run: the same rows INSERTed into a plain table with no Merkle work, and a bare
// primary-key SELECT of one entry.
//   npm run bench:ledger      (BENCH_PG_ADMIN_URL or ASSAY_TEST_PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres)
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, LedgerRepository, runMigrations, SigningKeyRepository } from '@assay/db';
import { LedgerAuditService, LedgerKind, LedgerProofService, LedgerService, type LedgerRecord } from '@assay/ledger';
import { Ed25519Signer, encodeCheckpointBody, leafHash, signCheckpoint, verifyInclusion } from '@assay/provenance';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? process.env.ASSAY_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TARGET_SIZE = Number(process.env.BENCH_LEDGER_SIZE ?? 1_000_000);
const SINGLE_APPENDS = 2_000;
const BATCH = 100;
const CLIENTS = 4;
const BATCHED_APPENDS = 40_000;
const PROOFS = 2_000;

const record = (i: number): LedgerRecord => ({
  kind: LedgerKind.CheckRun,
  projectId: null,
  subject: `bench/${i}`,
  body: { i, monitor: 'latency_ms', statistic: 0.0421, pValue: 0.31, verdict: 'ok' },
});

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`;

async function concurrently(total: number, work: (from: number, count: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < total) {
        const from = next;
        next += BATCH;
        await work(from, Math.min(BATCH, total - from));
      }
    }),
  );
  return performance.now() - start;
}

async function appendFigures(dataSource: DataSource, ledger: LedgerService): Promise<void> {
  let start = performance.now();
  for (let i = 0; i < SINGLE_APPENDS; i++) await ledger.append(record(i));
  const singleMs = performance.now() - start;

  const batchedMs = await concurrently(BATCHED_APPENDS, (from, count) =>
    ledger.appendMany(Array.from({ length: count }, (_, k) => record(from + k))),
  );

  await dataSource.query(`CREATE TABLE bench_plain (idx bigserial PRIMARY KEY, kind text, project_id uuid, subject text, entry text, leaf_hash bytea)`);
  const plainRows = (from: number, count: number) => {
    const entries = Array.from({ length: count }, (_, k) => JSON.stringify(record(from + k)));
    return [entries.map(() => 'check_run'), entries.map(() => null), entries.map((_, k) => `bench/${from + k}`), entries,
      entries.map((e) => Buffer.from(leafHash(Buffer.from(e))))];
  };
  start = performance.now();
  for (let i = 0; i < SINGLE_APPENDS; i++) {
    await dataSource.query(`INSERT INTO bench_plain (kind, project_id, subject, entry, leaf_hash) SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::bytea[])`, plainRows(i, 1));
  }
  const plainSingleMs = performance.now() - start;
  const plainBatchedMs = await concurrently(BATCHED_APPENDS, (from, count) =>
    dataSource.query(`INSERT INTO bench_plain (kind, project_id, subject, entry, leaf_hash) SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::bytea[])`, plainRows(from, count)),
  );

  console.log('appends (each call commits on its own; every append builds its Merkle nodes in the same round trip)');
  console.log(`  ledger.append, one at a time:                 ${rate(SINGLE_APPENDS, singleMs)}   (baseline plain INSERT: ${rate(SINGLE_APPENDS, plainSingleMs)})`);
  console.log(`  ledger.appendMany, ${BATCH}/call, ${CLIENTS} clients:     ${rate(BATCHED_APPENDS, batchedMs)}   (baseline plain INSERT: ${rate(BATCHED_APPENDS, plainBatchedMs)})`);
}

// The same rows ledger_append_many would write (canonical entry text, leaf hash, every completed
// node), generated in SQL so that 1M entries load in seconds.
async function bulkLoad(dataSource: DataSource, from: number, to: number): Promise<number> {
  const start = performance.now();
  await dataSource.query(
    `INSERT INTO ledger_entries (idx, kind, project_id, subject, entry, leaf_hash)
     SELECT i, 'check_run', NULL, 'bench/' || i, e, sha256('\\x00'::bytea || convert_to(e, 'UTF8'))
       FROM generate_series($1::bigint, $2::bigint - 1) AS i,
            LATERAL (SELECT '{"body":{"i":' || i || ',"verdict":"ok"},"kind":"check_run","projectId":null,"recordedAt":"2025-01-01T00:00:00.000Z","subject":"bench/' || i || '"}' AS e) AS t`,
    [from, to],
  );
  await dataSource.query(`INSERT INTO ledger_nodes (level, idx, hash) SELECT 0, idx, leaf_hash FROM ledger_entries WHERE idx >= $1`, [from]);
  for (let level = 1; 2 ** level <= to; level++) {
    await dataSource.query(
      `INSERT INTO ledger_nodes (level, idx, hash)
       SELECT $1::smallint, l.idx / 2, sha256('\\x01'::bytea || l.hash || r.hash)
         FROM ledger_nodes l JOIN ledger_nodes r ON r.level = l.level AND r.idx = l.idx + 1
        WHERE l.level = $1::smallint - 1 AND l.idx % 2 = 0
       ON CONFLICT (level, idx) DO NOTHING`,
      [level],
    );
  }
  await dataSource.query(`UPDATE ledger_head SET size = $1`, [to]);
  await dataSource.query(`ANALYZE ledger_entries; ANALYZE ledger_nodes`);
  return performance.now() - start;
}

async function proofFigures(dataSource: DataSource, size: number): Promise<void> {
  const repository = new LedgerRepository(dataSource);
  const proofs = new LedgerProofService(repository);
  const root = await proofs.rootAt(size);
  const indexes = Array.from({ length: PROOFS }, () => randomBytes(4).readUInt32BE() % size);
  for (const index of indexes.slice(0, 100)) await repository.findEntry(index);

  const latencies: number[] = [];
  for (const index of indexes) {
    const start = performance.now();
    const [entry, proof] = await Promise.all([proofs.findEntry(index), proofs.inclusionProof(index, size)]);
    latencies.push(performance.now() - start);
    if (!verifyInclusion(index, size, leafHash(Buffer.from(entry!.entry, 'utf8')), proof, root)) throw new Error(`proof of ${index} does not verify`);
  }
  const baseline: number[] = [];
  for (const index of indexes) {
    const start = performance.now();
    await dataSource.query(`SELECT entry FROM ledger_entries WHERE idx = $1`, [index]);
    baseline.push(performance.now() - start);
  }
  latencies.sort((a, b) => a - b);
  baseline.sort((a, b) => a - b);
  const fmt = (values: number[]) => `p50 ${percentile(values, 50).toFixed(2)} ms, p99 ${percentile(values, 99).toFixed(2)} ms`;
  console.log(`inclusion proofs at ${size.toLocaleString('en-US')} entries (entry and proof nodes: 2 queries in parallel, every proof verified)`);
  console.log(`  ${fmt(latencies)}   (baseline bare SELECT of the entry: ${fmt(baseline)})`);
}

async function auditFigures(dataSource: DataSource, size: number): Promise<void> {
  const repository = new LedgerRepository(dataSource);
  const keys = new SigningKeyRepository(dataSource);
  const signer = Ed25519Signer.generate();
  await keys.publish(signer, async () => undefined);
  const rootHash = await new LedgerProofService(repository).rootAt(size);
  const note = await signCheckpoint(encodeCheckpointBody({ origin: 'bench/ledger', treeSize: size, rootHash }), 'bench/ledger', signer);
  await repository.insertCheckpoint({ treeSize: size, rootHash, note, keyId: signer.keyId });
  const start = performance.now();
  const report = await new LedgerAuditService(repository, keys).verify();
  const ms = performance.now() - start;
  if (!report.valid || report.checkpointsChecked !== 1) throw new Error(`bulk-loaded log does not verify: ${report.problem}`);
  console.log(`tamper check (re-hash every entry, compare with the signed root): ${size.toLocaleString('en-US')} entries in ${(ms / 1000).toFixed(1)} s (${rate(size, ms)})`);
}

async function main(): Promise<void> {
  const database = `assay_bench_ledger_${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE ${database}`);
  const dataSource = createDataSource(withDatabase(ADMIN_URL, database), CLIENTS + 1);
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    const ledger = new LedgerService(new LedgerRepository(dataSource));
    await appendFigures(dataSource, ledger);
    const appended = await new LedgerRepository(dataSource).size();
    const loadMs = await bulkLoad(dataSource, appended, TARGET_SIZE);
    console.log(`bulk load (SQL, same rows as ledger_append_many) from ${appended.toLocaleString('en-US')} to ${TARGET_SIZE.toLocaleString('en-US')} entries: ${(loadMs / 1000).toFixed(1)} s`);
    await auditFigures(dataSource, TARGET_SIZE);
    await proofFigures(dataSource, TARGET_SIZE);
  } finally {
    await dataSource.destroy().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

await main();
