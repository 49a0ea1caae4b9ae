import fs from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { DistinctSketch, encodeDistinctRegisters } from '@assay/stats';
import { TieringService, type TieringReport } from '@assay/tiering';
import { call, seedProject, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';

const reference = JSON.parse(fs.readFileSync(new URL('../fixtures/tiering-int-reference.json', import.meta.url), 'utf8')) as {
  cases: Array<{ margin: number; scorePValue: number; errorRatePValue: number }>;
};

const HOUR_MS = 3_600_000;
const N = 100;
const near = (actual: number, expected: number, tolerance: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual}, expected ${expected}`);

interface SampleRow {
  modelId: string;
  journey: string;
  time: Date;
  signals: Record<string, number | string>;
}

describe(TieringService.name, () => {
  let assay: TestAssay;
  let db: pg.Client;
  let project: SeededProject;
  const to = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS);
  const from = new Date(to.getTime() - 48 * HOUR_MS);
  const window = `from=${from.toISOString()}&to=${to.toISOString()}`;

  async function insertSamples(projectId: string, rows: SampleRow[]): Promise<void> {
    for (const day of new Set(rows.map((r) => r.time.toISOString().slice(0, 10)))) await db.query(`SELECT ensure_sample_partition($1::date)`, [day]);
    await db.query(
      `INSERT INTO samples (project_id, model_id, version, time, trace_id, span_id, service_name, journey, signals)
       SELECT $1, m, 'v1', t, encode(gen_random_bytes(16), 'hex'), encode(gen_random_bytes(8), 'hex'), 'svc', j, s
         FROM unnest($2::uuid[], $3::timestamptz[], $4::text[], $5::jsonb[]) AS x(m, t, j, s)`,
      [projectId, rows.map((r) => r.modelId), rows.map((r) => r.time), rows.map((r) => r.journey), rows.map((r) => JSON.stringify(r.signals))],
    );
  }

  async function countCalls(projectId: string, modelId: string, journey: string, seen: number, sampled: number): Promise<void> {
    // Spread over five minutes, as the ingest would count them.
    for (let m = 0; m < 5; m++) {
      await db.query(`INSERT INTO journey_counts (project_id, model_id, version, journey, minute, seen, sampled) VALUES ($1, $2, 'v1', $3, $4, $5, $6)`, [
        projectId, modelId, journey, new Date(from.getTime() + m * 60_000), seen / 5, sampled / 5,
      ]);
    }
  }

  async function modelId(name: string): Promise<string> {
    const created = await call<{ id: string }>('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name } });
    assert.equal(created.status, 201, created.text);
    return created.body.id;
  }

  before(async () => {
    assay = await startTestAssay({ apps: ['api'] });
    db = new pg.Client({ connectionString: assay.databaseUrl });
    await db.connect();
    project = await seedProject(assay);
    const [big, small, claude] = [await modelId('gpt-4o'), await modelId('gpt-4o-mini'), await modelId('claude-sonnet')];
    const at = (i: number): Date => new Date(from.getTime() + 60_000 + i * 1000);
    const rows: SampleRow[] = [];
    for (let i = 0; i < N; i++) {
      const bigFailed = i % 25 === 0;
      const smallFailed = i % 20 === 0;
      rows.push({
        modelId: big, journey: 'faq', time: at(i),
        signals: {
          latency_ms: 100 + i, provider: 'openai', status: bigFailed ? 'error' : 'ok', 'eval.helpful.score': 0.7 + 0.02 * (i % 11),
          ...(bigFailed ? { error_type: 'RateLimitError' } : { cost_usd: 0.01, input_tokens: 1000, cached_input_tokens: 250, output_tokens: 100 }),
        },
      });
      rows.push({
        modelId: small, journey: 'faq', time: at(i),
        signals: {
          latency_ms: 50 + i, provider: 'openai', status: smallFailed ? 'error' : 'ok', 'eval.helpful.score': 0.69 + 0.02 * (i % 13),
          ...(smallFailed ? {} : { cost_usd: 0.001, input_tokens: 1000, output_tokens: 100 }),
        },
      });
    }
    for (let i = 0; i < 50; i++) {
      rows.push({ modelId: claude, journey: 'solo', time: at(i), signals: { latency_ms: 300, provider: 'anthropic', status: 'ok', cost_usd: 0.02, input_tokens: 2000, output_tokens: 300, 'eval.helpful.score': 0.8 + 0.001 * i } });
    }
    // Rows of another project in the same window must not count.
    const other = await seedProject(assay);
    await insertSamples(other.id, [{ modelId: big, journey: 'faq', time: at(1), signals: { latency_ms: 1, cost_usd: 100, provider: 'openai', status: 'ok' } }]);
    await insertSamples(project.id, rows);
    // The ingest profiles every signal it stores; the report finds its quality signals there.
    for (const id of [big, small, claude]) {
      await db.query(`INSERT INTO signal_profiles (model_id, version, signal, minute, count, profile) VALUES ($1, 'v1', 'eval.helpful.score', $2, 1, '{}')`, [id, from]);
    }
    // faq's gpt-4o was sampled at 25%: 400 calls seen, 100 stored.
    await countCalls(project.id, big, 'faq', 400, N);
    await countCalls(project.id, small, 'faq', N, N);
    await countCalls(project.id, claude, 'solo', 50, 50);
    // 500 faq calls with input over two hours, 300 distinct inputs: the second hour repeats 100 of the first's.
    const hourSketch = (first: number, last: number): Buffer => {
      const sketch = new DistinctSketch();
      for (let i = first; i < last; i++) sketch.addDigest(createHash('sha256').update(`question ${i}`).digest());
      const registers = new Uint8Array(Buffer.from(sketch.toJSON().registers, 'base64'));
      return Buffer.from(encodeDistinctRegisters(sketch.precision, registers));
    };
    await db.query(`INSERT INTO journey_input_sketches (project_id, journey, hour, calls_with_input, sketch) VALUES ($1, 'faq', $2, 250, $3), ($1, 'faq', $4, 250, $5)`, [
      project.id, from, hourSketch(0, 200), new Date(from.getTime() + HOUR_MS), hourSketch(100, 300),
    ]);
    const prices = await call('PUT', `${assay.apiUrl}/v1/prices`, {
      key: project.keys.owner.key,
      json: { prices: [{ provider: 'openai', model: 'gpt-4o-mini', inputPerMillion: 0.15, outputPerMillion: 0.6 }, { provider: 'anthropic', model: 'claude-sonnet', inputPerMillion: 3, outputPerMillion: 15 }] },
    });
    assert.equal(prices.status, 200, prices.text);
  });

  after(async () => {
    await db?.end();
    await assay?.close();
  });

  const get = (query: string, key = project.keys.auditor.key) => call<TieringReport & { message?: string }>('GET', `${assay.apiUrl}/v1/tiering?${query}`, { key });

  it('estimates calls from seen counts and scales spend by seen / sampled, failed calls included in the cost per call', async () => {
    const response = await get(window);
    assert.equal(response.status, 200, response.text);
    const faq = response.body.journeys.find((j) => j.journey === 'faq')!;
    const [big, small] = ['gpt-4o', 'gpt-4o-mini'].map((name) => faq.models.find((m) => m.model === name)!);
    // 96 of gpt-4o's 100 samples cost $0.01 (the 4 failed calls cost nothing), and it was sampled at 25%.
    assert.equal(big!.calls, 400);
    near(big!.spendUsd, 96 * 0.01 * 4, 1e-12, 'gpt-4o spend');
    near(big!.costPerCallUsd, 3.84 / 400, 1e-12, 'gpt-4o cost per call');
    assert.equal(big!.errorRate, 4 / N);
    assert.equal(small!.calls, N);
    near(small!.spendUsd, 95 * 0.001, 1e-12, 'gpt-4o-mini spend');
    assert.equal(faq.calls, 500);
    near(big!.latencyP50Ms!, 149, 0.005, 'p50');
    near(big!.latencyP95Ms!, 194, 0.005, 'p95');
    near(big!.scores['eval.helpful.score']!, 0.7 + (0.02 * [...Array(N).keys()].reduce((s, i) => s + (i % 11), 0)) / N, 1e-12, 'mean score');
    // Token sums come from every sample with tokens: 96 × 250 cached of 96 × 1000 + 95 × 1000 input tokens.
    near(faq.cachedInputShare!, (96 * 250) / (96 * 1000 + 95 * 1000), 1e-12, 'cached input share');
  });

  it('decides the cheaper model with the reference p-values and prices the move per month', async () => {
    for (const expected of reference.cases) {
      const response = await get(`${window}&margin=${expected.margin}`);
      assert.equal(response.status, 200, response.text);
      const [decision] = response.body.journeys.find((j) => j.journey === 'faq')!.decisions;
      assert.equal(decision!.incumbent, 'gpt-4o');
      assert.equal(decision!.candidate, 'gpt-4o-mini');
      const test = (signal: string) => decision!.tests.find((t) => t.signal === signal)!;
      near(test('eval.helpful.score').pValue, expected.scorePValue, 1e-6, `score p at margin ${expected.margin}`);
      near(test('error_rate').pValue, expected.errorRatePValue, 1e-6, `error-rate p at margin ${expected.margin}`);
      assert.equal(decision!.pValue, Math.max(expected.scorePValue, expected.errorRatePValue) === expected.scorePValue ? test('eval.helpful.score').pValue : test('error_rate').pValue);
      // The only decision of the report: Benjamini–Hochberg leaves its p-value as it is.
      assert.equal(decision!.adjustedPValue, decision!.pValue);
      assert.equal(decision!.verdict, 'insufficient');
      // The error rate decides, and gpt-4o's own 100 sampled calls are too noisy for candidate calls alone to settle it.
      assert.equal(decision!.moreCallsNeeded, null);
      // 400 calls in 2 days → 6000 a month, each $0.0096 − $0.00095 cheaper.
      near(decision!.savingsUsdPerMonth, 400 * 15 * (3.84 / 400 - 0.095 / 100), 1e-9, 'savings');
    }
  });

  it('reports the repeat share from the merged hourly sketches, providers and their HHI, and a trial for the one-model journey', async () => {
    const { body } = await get(window);
    const faq = body.journeys.find((j) => j.journey === 'faq')!;
    near(faq.repeatShare!, 1 - 300 / 500, 0.02, 'repeat share');
    assert.equal(faq.singleProvider, true);
    const openai = 3.84 + 0.095;
    const anthropic = 50 * 0.02;
    assert.deepEqual(body.providers.map((p) => [p.provider, p.calls]), [['openai', 500], ['anthropic', 50]]);
    near(body.providers[0]!.spendUsd, openai, 1e-12, 'openai spend');
    near(body.hhi, (openai / (openai + anthropic)) ** 2 + (anthropic / (openai + anthropic)) ** 2, 1e-12, 'hhi');
    const solo = body.journeys.find((j) => j.journey === 'solo')!;
    assert.deepEqual(solo.decisions, []);
    assert.equal(solo.experiment!.model, 'gpt-4o-mini');
    assert.equal(solo.experiment!.provider, 'openai');
    assert.ok(solo.experiment!.days >= 1);
  });

  it('takes margin and alpha from the project settings and reads lower-is-better signals the other way round', async () => {
    const scoreTest = (report: TieringReport) => report.journeys.find((j) => j.journey === 'faq')!.decisions[0]!.tests.find((t) => t.signal === 'eval.helpful.score')!;
    const higher = scoreTest((await get(window)).body);
    // gpt-4o-mini's mean score (0.8064) is above gpt-4o's (0.799).
    near(higher.difference, 0.8064 - 0.799, 1e-9, 'difference, higher is better');
    const patched = await call('PATCH', `${assay.apiUrl}/v1/projects/${project.id}/settings`, {
      key: project.keys.owner.key,
      json: { tiering: { margin: 0.05, alpha: 0.01, signals: { 'eval.helpful.score': { higherIsBetter: false } } } },
    });
    assert.equal(patched.status, 200, patched.text);
    try {
      const { body } = await get(window);
      assert.equal(body.margin, 0.05);
      assert.equal(body.alpha, 0.01);
      near(scoreTest(body).difference, -(0.8064 - 0.799), 1e-9, 'difference, lower is better');
    } finally {
      await call('PATCH', `${assay.apiUrl}/v1/projects/${project.id}/settings`, { key: project.keys.owner.key, json: { tiering: {} } });
    }
  });

  it('refuses bad tiering settings with the reason', async () => {
    for (const tiering of [{ margin: 0 }, { alpha: 0.5 }, { signals: { helpful: { higherIsBetter: false } } }, { signals: { 'eval.x.score': { higherIsBetter: 'no' } } }]) {
      const response = await call('PATCH', `${assay.apiUrl}/v1/projects/${project.id}/settings`, { key: project.keys.owner.key, json: { tiering } });
      assert.equal(response.status, 400, `${JSON.stringify(tiering)}: ${response.text}`);
    }
    const share = await call('PATCH', `${assay.apiUrl}/v1/projects/${project.id}/settings`, { key: project.keys.owner.key, json: { maxProviderSpendShare: 1.5 } });
    assert.equal(share.status, 400);
  });

  it('answers owner and auditor keys only', async () => {
    assert.equal((await get(window, project.keys.owner.key)).status, 200);
    assert.equal((await get(window, project.keys.ci.key)).status, 403);
    assert.equal((await get(window, project.keys.ingest.key)).status, 403);
    assert.equal((await call('GET', `${assay.apiUrl}/v1/tiering?${window}`)).status, 401);
    assert.equal((await get(window, `assay_owner_${randomBytes(16).toString('hex')}`)).status, 401);
  });

  it('refuses bad parameters with a 400 that says why', async () => {
    const cases: Array<[string, RegExp]> = [
      [`from=${to.toISOString()}&to=${from.toISOString()}`, /from\\" must be before \\"to/],
      [`from=${new Date(to.getTime() - 31 * 24 * HOUR_MS).toISOString()}&to=${to.toISOString()}`, /at most the 30 days/],
      [`${window}&margin=0`, /margin\\" must be above 0/],
      [`${window}&margin=1`, /margin\\" must be above 0 and below 1/],
      [`${window}&margin=abc`, /margin\\" must be a decimal number/],
      [`${window}&alpha=0.5`, /alpha\\" must be above 0 and below 0.5/],
      [`from=yesterday`, /from/],
      [`${window}&extra=1`, /extra/],
    ];
    for (const [query, reason] of cases) {
      const response = await get(query);
      assert.equal(response.status, 400, `${query}: ${response.text}`);
      assert.match(response.text, reason, query);
    }
  });
});
