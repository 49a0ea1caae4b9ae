import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import {
  ADVERSARIAL_OUTPUTS, ISSUE_REDOS_PATTERNS, REGEX_REFUSAL, call, eventually, freePort, otlpChatRequest, otlpOutputsRequest, pathologicalPatterns, seedProject,
  spawnAssay, startTestAssay, testAdminKey, uniqueName, type SeededProject, type SpawnedProcess, type TestAssay,
} from '@assay/testing';

const SEED = Number(process.env.ASSAY_FUZZ_SEED ?? 20261128);
const FUZZED_PATTERNS = 80;

interface Timed {
  status: number;
  ms: number;
}

interface StoredSample {
  spanId: string;
  signals: Record<string, number | string>;
}

async function timed(url: string, init: RequestInit, timeoutMs: number): Promise<Timed> {
  const started = Date.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return { status: response.status, ms: Date.now() - started };
  } catch {
    return { status: 0, ms: Date.now() - started };
  }
}

function exportSpans(ingestUrl: string, key: string, body: string, timeoutMs = 30_000): Promise<Timed> {
  return timed(`${ingestUrl}/v1/traces`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body }, timeoutMs);
}

async function skips(ingestUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${ingestUrl}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^assay_ingest_custom_signal_skips_total\{reason="([a-z_]+)"\} (\d+)$/gm)) counts[match[1]] = Number(match[2]);
  return counts;
}

function regexSignal(i: number, pattern: string): { name: string; kind: 'numeric'; source: { type: 'regex_match'; pattern: string; target: 'output_text' } } {
  return { name: `re_${i}`, kind: 'numeric', source: { type: 'regex_match', pattern, target: 'output_text' } };
}

describe('regex_match custom signals on hostile patterns: one project cannot freeze the shared ingest', () => {
  let api: TestAssay;
  let ingest: SpawnedProcess;
  let ingestUrl: string;
  let a: SeededProject;
  let b: SeededProject;
  const modelB = uniqueName('calm-b');
  const patterns = pathologicalPatterns(SEED, FUZZED_PATTERNS);
  const accepted: string[] = [];
  /** Project A's models, each with the patterns that fit its limits. */
  const modelsA = new Map<string, string[]>();

  const patch = (model: string, customSignals: unknown[]) =>
    call<{ message?: string }>('PATCH', `${api.apiUrl}/v1/models/${model}`, { key: a.keys.owner.key, json: { customSignals } });

  before(async () => {
    api = await startTestAssay({ apps: ['api'], env: { ASSAY_RATE_LIMIT_PER_MINUTE: '0' } });
    [a, b] = [await seedProject(api), await seedProject(api)];
    const port = await freePort();
    ingestUrl = `http://127.0.0.1:${port}`;
    // Its own process, planning on its event loop (no threads): what a frozen loop would stop is what is measured.
    ingest = spawnAssay(['serve', 'ingest'], {
      ...process.env,
      DATABASE_URL: api.databaseUrl,
      ASSAY_INGEST_PORT: String(port),
      ASSAY_INGEST_THREADS: '0',
      ASSAY_ADMIN_KEY: testAdminKey(),
      ASSAY_LOG_LEVEL: 'warn',
    });
    await eventually(async () => (await fetch(`${ingestUrl}/readyz`).catch(() => null))?.status === 200, 30_000, 200);
    assert.equal((await call('POST', `${api.apiUrl}/v1/models`, { key: b.keys.owner.key, json: { name: modelB } })).status, 201);
  });
  after(async () => {
    await ingest?.stop('SIGKILL');
    await api?.close();
  });

  it('accepts or refuses each pathological pattern, naming why with a 400', async () => {
    const probe = uniqueName('probe');
    assert.equal((await call('POST', `${api.apiUrl}/v1/models`, { key: a.keys.owner.key, json: { name: probe } })).status, 201);
    const unexpected: string[] = [];
    for (const pattern of patterns) {
      const response = await patch(probe, [regexSignal(0, pattern)]);
      if (response.status === 200) accepted.push(pattern);
      else if (response.status !== 400 || !REGEX_REFUSAL.test(response.body.message ?? '')) unexpected.push(`${pattern} → ${response.status} ${response.text}`);
    }
    assert.deepEqual(unexpected, []);
    for (const pattern of ISSUE_REDOS_PATTERNS) assert.ok(accepted.includes(pattern), `${pattern} runs in linear time and is accepted`);
    assert.ok(accepted.length >= FUZZED_PATTERNS / 4 && accepted.length < FUZZED_PATTERNS, `${accepted.length} of ${FUZZED_PATTERNS} accepted`);

    const refused = await patch(probe, [regexSignal(0, '(\\w+) \\1')]);
    assert.equal(refused.status, 400);
    assert.match(refused.body.message ?? '', /^custom signal "re_0": source\.pattern is refused: backreferences \(\\1\) are not supported: /);
    const lookahead = await patch(probe, [regexSignal(0, 'a(?=b)')]);
    assert.match(lookahead.body.message ?? '', /source\.pattern is refused: lookahead \(\(\?=…\)\) is not supported/);
    const huge = await call<{ message?: string }>('POST', `${api.apiUrl}/v1/models`, {
      key: a.keys.owner.key,
      json: { name: uniqueName('huge'), customSignals: [0, 1, 2].map((i) => regexSignal(i, '(a|aa){1,1000}')) },
    });
    assert.equal(huge.status, 400);
    assert.match(huge.body.message ?? '', /^custom signal "re_2": the patterns of regex_match signals compile to more than 20000 instructions together/);
  });

  it("answers project B's exports within 2 s and /healthz within 1 s while project A's spans meet its patterns, and A's too", async () => {
    assert.ok(accepted.length > 0, 'the previous test found the accepted patterns');
    // Each of A's models takes the patterns its instruction limit leaves room for.
    let current: string[] = [];
    let model = uniqueName('redos-a');
    assert.equal((await call('POST', `${api.apiUrl}/v1/models`, { key: a.keys.owner.key, json: { name: model } })).status, 201);
    for (const pattern of accepted) {
      const next = [...current, pattern];
      if (next.length <= 50 && (await patch(model, next.map((p, i) => regexSignal(i, p)))).status === 200) {
        current = next;
        continue;
      }
      modelsA.set(model, current);
      model = uniqueName('redos-a');
      current = [pattern];
      const created = await call('POST', `${api.apiUrl}/v1/models`, { key: a.keys.owner.key, json: { name: model, customSignals: [regexSignal(0, pattern)] } });
      assert.equal(created.status, 201, created.text);
    }
    modelsA.set(model, current);

    let hostileDone = false;
    const hostile: Timed[] = [];
    const calm: Timed[] = [];
    const health: Timed[] = [];
    const sendHostile = async (): Promise<void> => {
      for (let round = 0; round < 2; round++) {
        for (const name of modelsA.keys()) hostile.push(await exportSpans(ingestUrl, a.keys.ingest.key, otlpOutputsRequest(name, ADVERSARIAL_OUTPUTS).body));
      }
    };
    const sendCalm = async (): Promise<void> => {
      while (!hostileDone) {
        calm.push(await exportSpans(ingestUrl, b.keys.ingest.key, otlpChatRequest(modelB, 10).body, 5000));
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const probeHealth = async (): Promise<void> => {
      while (!hostileDone) {
        health.push(await timed(`${ingestUrl}/healthz`, {}, 3000));
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const watchers = [sendCalm(), sendCalm(), probeHealth()];
    await Promise.all([sendHostile(), sendHostile()]);
    hostileDone = true;
    await Promise.all(watchers);

    assert.deepEqual(hostile.filter((t) => t.status !== 200), [], "every one of A's requests answered 200");
    assert.ok(calm.length >= 10, `${calm.length} exports of B`);
    assert.deepEqual(calm.filter((t) => t.status !== 200 || t.ms > 2000), [], "B's exports answered 200 within 2 s");
    assert.deepEqual(health.filter((t) => t.status !== 200 || t.ms > 1000), [], '/healthz answered within 1 s');
    assert.ok((await skips(ingestUrl)).budget > 0, 'signals past the regex budget were skipped and counted');
  });

  it("stores A's signals computed right, or leaves them out when skipped", async () => {
    const [first] = modelsA.keys();
    const signals = modelsA.get(first)!;
    // The issue's patterns come first in the fuzzed set, so they are this model's first signals and
    // run first in a request: within its budget, in one of their own.
    const [anchoredAlternation, stackedStars] = ISSUE_REDOS_PATTERNS.map((p) => `re_${signals.indexOf(p)}`);
    assert.deepEqual([anchoredAlternation, stackedStars], ['re_0', 're_1']);
    const expected: Array<[string, Record<string, number>]> = [
      ['a'.repeat(200), { re_0: 0, re_1: 0 }],
      ['a'.repeat(43), { re_0: 1, re_1: 0 }],
      ['ab'.repeat(5000), { re_0: 0, re_1: 1 }],
      [`${'a'.repeat(9_999)}b`, { re_0: 0, re_1: 1 }],
    ];
    for (const [output, values] of expected) {
      const { body, spanIds } = otlpOutputsRequest(first, [output]);
      assert.equal((await exportSpans(ingestUrl, a.keys.ingest.key, body)).status, 200);
      const page = await call<{ items: StoredSample[] }>('GET', `${api.apiUrl}/v1/models/${first}/samples?limit=1000`, { key: a.keys.auditor.key });
      const stored = page.body.items.find((s) => s.spanId === spanIds[0]);
      assert.ok(stored, `the span with ${output.length} characters of output is stored`);
      assert.deepEqual({ re_0: stored.signals.re_0, re_1: stored.signals.re_1 }, values, `output of ${output.length} characters`);
    }
  });

  it('skips and counts a stored pattern the engine refuses (saved before it ran patterns), computing the other signals', async () => {
    const model = uniqueName('legacy');
    assert.equal((await call('POST', `${api.apiUrl}/v1/models`, { key: a.keys.owner.key, json: { name: model } })).status, 201);
    const client = new pg.Client({ connectionString: api.databaseUrl });
    await client.connect();
    try {
      await client.query(`UPDATE models SET custom_signals = $1::jsonb WHERE name = $2`, [
        JSON.stringify([regexSignal(0, '\\b(\\w+) \\1\\b'), regexSignal(1, 'a(?=\\.)'), regexSignal(2, 'word')]),
        model,
      ]);
    } finally {
      await client.end();
    }
    const before = (await skips(ingestUrl)).unsupported_pattern ?? 0;
    // The ingest reloads a catalog changed by another process within a few seconds.
    const stored = await eventually(async () => {
      const { body, spanIds } = otlpOutputsRequest(model, ['word word a.']);
      assert.equal((await exportSpans(ingestUrl, a.keys.ingest.key, body)).status, 200);
      const page = await call<{ items: StoredSample[] }>('GET', `${api.apiUrl}/v1/models/${model}/samples`, { key: a.keys.auditor.key });
      const sample = page.body.items.find((s) => s.spanId === spanIds[0]);
      return sample && 're_2' in sample.signals ? sample : null;
    }, 15_000, 500);
    assert.equal(stored.signals.re_2, 1);
    assert.equal('re_0' in stored.signals || 're_1' in stored.signals, false);
    assert.ok(((await skips(ingestUrl)).unsupported_pattern ?? 0) >= before + 2);
  });
});
