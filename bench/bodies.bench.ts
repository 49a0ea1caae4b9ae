// Concurrent large OTLP bodies against a real ingest process: its peak RSS against the configured
// body budget, with the budget and without it, beside the throughput of the same bodies sent one at a
// time. Exporters retry 429 and 503 after Retry-After, and so does this client.
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import { gzipSync } from 'node:zlib';
import { ApiKeyService } from '@assay/common';
import { ApiKeyRepository, ProjectRepository, Role } from '@assay/db';
import { CLI, freePort, spawnProcess, type SpawnedProcess } from '../test/support/processes.js';
import { createBenchDatabase, type BenchDatabase } from './support/bench-database.js';

const MIB = 1 << 20;
const BODY_MIB = Number(process.env.BENCH_BODY_MIB ?? 30);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const KEYS = Number(process.env.BENCH_KEYS ?? 8);
const SPANS = 100;
// BENCH_INGEST_ENV='{"ASSAY_HTTP_BODY_IDLE_TIMEOUT_MS":"60000"}': more settings for the ingest under test.
const EXTRA_ENV = JSON.parse(process.env.BENCH_INGEST_ENV ?? '{}') as Record<string, string>;

// OTLP/JSON spans, each with a large attribute (kept truncated) in hex, which gzip halves.
function largeBody(bytes: number): Buffer {
  const perSpan = Math.floor(bytes / SPANS);
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: SPANS }, () => ({
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    name: 'chat unmatched-model',
    kind: 3,
    startTimeUnixNano: String(now - 1_000_000n),
    endTimeUnixNano: String(now),
    attributes: [
      { key: 'gen_ai.request.model', value: { stringValue: 'unmatched-model' } },
      { key: 'gen_ai.prompt', value: { stringValue: randomBytes(Math.floor(perSpan / 2) - 200).toString('hex') } },
    ],
  }));
  return Buffer.from(JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bodies-bench' } }] }, scopeSpans: [{ spans }] }] }));
}

function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.existsSync(`/proc/${pid}/status`) ? fs.readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

// Writing 5 to clear_refs resets the kernel's peak-RSS mark (VmHWM) of a process one owns.
function resetPeak(pid: number): void {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

interface Ingest {
  process: SpawnedProcess;
  url: string;
  budget: number;
}

async function startIngest(database: BenchDatabase, env: Record<string, string>): Promise<Ingest> {
  const port = await freePort();
  const child = spawnProcess(process.execPath, ['--max-semi-space-size=64', CLI, 'serve', 'ingest'], {
    ...process.env,
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ASSAY_QUEUE_PREFIX: `assay-bench-${database.name}`,
    ASSAY_INGEST_PORT: String(port),
    ASSAY_LOG_LEVEL: 'warn',
    ASSAY_ADMIN_KEY: `bench-admin-${randomBytes(16).toString('hex')}`,
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline || child.child.exitCode !== null) throw new Error(`the ingest did not start:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const { loadConfig } = await import('@assay/config');
  return { process: child, url, budget: loadConfig({ ...process.env, ...env }).http.bodyBudgetBytes };
}

interface Outcome {
  seconds: number;
  accepted: number;
  refusals: Record<string, number>;
}

async function send(url: string, key: string, body: Buffer, gzip: boolean, refusals: Record<string, number>): Promise<void> {
  for (;;) {
    const response = await fetch(`${url}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
      body,
    }).catch((error: Error) => error);
    if (response instanceof Error) {
      refusals.reset = (refusals.reset ?? 0) + 1;
      if (refusals.reset > 1000) throw response;
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    const answer = Buffer.from(await response.arrayBuffer()).toString('utf8');
    if (response.status === 200) return;
    refusals[response.status] = (refusals[response.status] ?? 0) + 1;
    if (response.status !== 429 && response.status !== 503) throw new Error(`export answered ${response.status}: ${answer.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, Number(response.headers.get('retry-after') ?? 1) * 1000));
  }
}

async function run(ingest: Ingest, keys: string[], body: Buffer, gzip: boolean, concurrency: number, requests: number): Promise<Outcome> {
  const refusals: Record<string, number> = {};
  const started = process.hrtime.bigint();
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      while (next < requests && !failed) {
        next++;
        await send(ingest.url, keys[lane % keys.length], body, gzip, refusals).catch((error: unknown) => {
          failed = true;
          throw error;
        });
      }
    }),
  );
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, accepted: requests, refusals };
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

async function main(): Promise<void> {
  const database = await createBenchDatabase('bench_bodies');
  const ingests: Ingest[] = [];
  try {
    const project = await new ProjectRepository(database.dataSource).create('bench');
    const issuer = new ApiKeyService(new ApiKeyRepository(database.dataSource));
    const keys = await Promise.all(Array.from({ length: KEYS }, (_, i) => issuer.issue({ projectId: project.id, role: Role.Ingest, name: `bench-${i}` }).then((k) => k.secret)));
    const plain = largeBody(BODY_MIB * MIB);
    const gzip = gzipSync(plain);
    process.stdout.write(`bodies: ${(plain.length / MIB).toFixed(1)} MiB of OTLP/JSON, ${(gzip.length / MIB).toFixed(1)} MiB gzipped; ${CONCURRENCY} at once from ${KEYS} keys\n\n`);
    const settings: Array<{ label: string; env: Record<string, string> }> = [
      { label: 'budget (default)', env: { ...EXTRA_ENV, ASSAY_INGEST_MAX_IN_FLIGHT: String(CONCURRENCY) } },
      { label: 'no budget', env: { ...EXTRA_ENV, ASSAY_INGEST_MAX_IN_FLIGHT: String(CONCURRENCY), ASSAY_BODY_BUDGET: String(2 ** 40), ASSAY_KEY_SHARE_PERCENT: '100' } },
    ];
    for (const setting of settings.filter((s) => !process.env.BENCH_SETTING || s.label.startsWith(process.env.BENCH_SETTING))) {
      const ingest = await startIngest(database, setting.env);
      ingests.push(ingest);
      const pid = ingest.process.child.pid!;
      process.stdout.write(`${setting.label}: ${gib(ingest.budget)} of bodies in flight (heap limit ${gib(getHeapStatistics().heap_size_limit)})\n`);
      for (const [label, body, compressed] of [['plain', plain, false], ['gzip', gzip, true]] as const) {
        if (ingest.process.child.exitCode !== null) break;
        await run(ingest, keys, body, compressed, 1, 2);
        const alone = await run(ingest, keys, body, compressed, 1, 8);
        resetPeak(pid);
        const concurrent = await run(ingest, keys, body, compressed, CONCURRENCY, CONCURRENCY).catch((error: Error) => error);
        if (concurrent instanceof Error) {
          const exit = await Promise.race([ingest.process.exited, new Promise((r) => setTimeout(() => r('still running'), 2000))]);
          process.stdout.write(`  ${label.padEnd(5)}  ${CONCURRENCY} at once: failed (${concurrent.message}); the ingest ${typeof exit === 'string' ? 'is still running' : `exited with ${String(exit)}`}, peak RSS ${gib(memoryOf(pid).peak)}\n${ingest.process.output().split('\n').filter((l) => /heap|memory/i.test(l)).slice(0, 3).join('\n')}\n`);
          break;
        }
        const { peak, rss } = memoryOf(pid);
        const rate = (outcome: Outcome): string => `${((outcome.accepted * plain.length) / MIB / outcome.seconds).toFixed(0)} MiB/s`;
        process.stdout.write(
          `  ${label.padEnd(5)}  one at a time: ${rate(alone)} (${(alone.seconds / alone.accepted).toFixed(2)} s each)   ` +
            `${CONCURRENCY} at once: ${rate(concurrent)}, all accepted in ${concurrent.seconds.toFixed(1)} s after ${JSON.stringify(concurrent.refusals)} refusals; ` +
            `peak RSS ${gib(peak)} (${(peak / ingest.budget).toFixed(1)}x the budget), ${gib(rss)} after\n`,
        );
      }
      await ingest.process.stop();
    }
  } finally {
    for (const ingest of ingests) await ingest.process.stop();
    await database.drop();
  }
}

await main();
