import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TieringReport } from '@assay/tiering';
import { call, seedProject, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';

// Four journeys × two models sent through the OTLP ingest, with known scores, errors, tokens and prices:
// faq (equal quality, many calls) switches, legal (the cheap model is far worse) keeps, rare (ten calls a
// side) is insufficient, and solo, on one model sampled at 25%, gets no decision and its true call count.
const PRICES = {
  'gpt-4o': { provider: 'openai', inputPerMillion: 2.5, outputPerMillion: 10 },
  'gpt-4o-mini': { provider: 'openai', inputPerMillion: 0.15, outputPerMillion: 0.6 },
  'claude-sonnet': { provider: 'anthropic', inputPerMillion: 3, outputPerMillion: 15 },
} as const;
type ModelName = keyof typeof PRICES;
const INPUT_TOKENS = 1000;
const OUTPUT_TOKENS = 200;
const costOf = (model: ModelName): number => (INPUT_TOKENS * PRICES[model].inputPerMillion + OUTPUT_TOKENS * PRICES[model].outputPerMillion) / 1e6;

interface Call {
  model: ModelName;
  journey: string;
  score: number;
  failed: boolean;
}

function calls(journey: string, model: ModelName, n: number, score: (i: number) => number, failedEvery = 0): Call[] {
  return Array.from({ length: n }, (_, i) => ({ model, journey, score: score(i), failed: failedEvery > 0 && i % failedEvery === 0 }));
}

function otlpBody(batch: readonly Call[], endMs: number): string {
  const traceId = randomBytes(16).toString('hex');
  const end = BigInt(endMs) * 1_000_000n;
  const spans = batch.map((c, i) => {
    const spanEnd = end - BigInt(i) * 1_000_000n;
    const attribute = (key: string, value: string | number) =>
      typeof value === 'number' ? { key, value: { intValue: String(value) } } : { key, value: { stringValue: value } };
    return {
      traceId,
      spanId: randomBytes(8).toString('hex'),
      name: `chat ${c.model}`,
      kind: 3,
      startTimeUnixNano: String(spanEnd - 300_000_000n),
      endTimeUnixNano: String(spanEnd),
      attributes: [
        attribute('gen_ai.operation.name', 'chat'),
        attribute('gen_ai.provider.name', PRICES[c.model].provider),
        attribute('gen_ai.request.model', c.model),
        attribute('assay.journey', c.journey),
        ...(c.failed ? [attribute('error.type', 'RateLimitError')] : [attribute('gen_ai.usage.input_tokens', INPUT_TOKENS), attribute('gen_ai.usage.output_tokens', OUTPUT_TOKENS)]),
      ],
      events: [
        {
          timeUnixNano: String(spanEnd),
          name: 'gen_ai.evaluation.result',
          attributes: [attribute('gen_ai.evaluation.name', 'helpful'), { key: 'gen_ai.evaluation.score.value', value: { doubleValue: c.score } }],
        },
      ],
      status: { code: c.failed ? 2 : 1 },
    };
  });
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] }, scopeSpans: [{ spans }] }] });
}

describe('GET /v1/tiering after OTLP ingest', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let report: TieringReport;
  const started = Date.now();
  const from = new Date(started - 3_600_000);
  const to = new Date(started + 3_600_000);
  const monthFactor = (30 * 86_400_000) / (to.getTime() - from.getTime());
  const sent = [
    ...calls('faq', 'gpt-4o', 800, (i) => 0.8 + 0.01 * ((i % 9) - 4), 200),
    ...calls('faq', 'gpt-4o-mini', 800, (i) => 0.8 + 0.01 * (((i + 3) % 9) - 4), 200),
    ...calls('legal', 'gpt-4o', 200, (i) => 0.8 + 0.01 * ((i % 9) - 4)),
    ...calls('legal', 'gpt-4o-mini', 200, (i) => 0.6 + 0.01 * ((i % 9) - 4)),
    ...calls('rare', 'gpt-4o', 10, (i) => 0.8 + 0.01 * ((i % 9) - 4)),
    ...calls('rare', 'gpt-4o-mini', 10, (i) => 0.8 + 0.01 * ((i % 9) - 4)),
    ...calls('solo', 'claude-sonnet', 400, (i) => 0.9 + 0.01 * ((i % 5) - 2)),
  ];

  before(async () => {
    assay = await startTestAssay({ apps: ['api', 'ingest'] });
    project = await seedProject(assay);
    for (const name of Object.keys(PRICES) as ModelName[]) {
      const sampling = name === 'claude-sonnet' ? { probability: 0.25 } : { probability: 1 };
      const created = await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name, sampling } });
      assert.equal(created.status, 201, created.text);
    }
    const prices = await call('PUT', `${assay.apiUrl}/v1/prices`, {
      key: project.keys.owner.key,
      json: { prices: Object.entries(PRICES).map(([model, p]) => ({ model, ...p })) },
    });
    assert.equal(prices.status, 200, prices.text);
    for (let at = 0; at < sent.length; at += 200) {
      const response = await call('POST', `${assay.ingestUrl}/v1/traces`, {
        key: project.keys.ingest.key,
        body: otlpBody(sent.slice(at, at + 200), started - 60_000 + at),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(response.status, 200, response.text);
    }
    const response = await call<TieringReport>('GET', `${assay.apiUrl}/v1/tiering?from=${from.toISOString()}&to=${to.toISOString()}`, { key: project.keys.auditor.key });
    assert.equal(response.status, 200, response.text);
    report = response.body;
  });

  after(async () => {
    await assay?.close();
  });

  const journey = (name: string) => report.journeys.find((j) => j.journey === name)!;
  const decision = (name: string) => {
    const [only, ...rest] = journey(name).decisions;
    assert.equal(rest.length, 0);
    assert.equal(only!.incumbent, 'gpt-4o');
    assert.equal(only!.candidate, 'gpt-4o-mini');
    return only!;
  };

  it('switches faq, and prices the move within 1% of what was sent', () => {
    const faq = decision('faq');
    assert.equal(faq.verdict, 'switch', faq.sentence);
    // 800 gpt-4o calls, 4 of them failed at no cost; gpt-4o-mini the same.
    const incumbentCostPerCall = (796 * costOf('gpt-4o')) / 800;
    const candidateCostPerCall = (796 * costOf('gpt-4o-mini')) / 800;
    const expected = 800 * monthFactor * (incumbentCostPerCall - candidateCostPerCall);
    assert.ok(Math.abs(faq.savingsUsdPerMonth / expected - 1) < 0.01, `savings ${faq.savingsUsdPerMonth}, sent ${expected}`);
    const models = journey('faq').models;
    assert.deepEqual(models.map((m) => [m.model, m.calls, m.errorRate]), [['gpt-4o', 800, 4 / 800], ['gpt-4o-mini', 800, 4 / 800]]);
    assert.match(faq.sentence, /^faq: gpt-4o-mini is within 0\.02 of gpt-4o on quality/);
  });

  it('keeps legal on the incumbent, naming the signal the candidate falls short on', () => {
    const legal = decision('legal');
    assert.equal(legal.verdict, 'keep');
    const score = legal.tests.find((t) => t.signal === 'eval.helpful.score')!;
    assert.ok(Math.abs(score.difference - -0.2) < 1e-9, `difference ${score.difference}`);
    assert.ok(score.upperBound < -report.margin);
    assert.match(legal.sentence, /keep gpt-4o: gpt-4o-mini is worse on eval\.helpful\.score/);
  });

  it('finds ten calls a side insufficient and says how many more would settle it', () => {
    const rare = decision('rare');
    assert.equal(rare.verdict, 'insufficient');
    assert.ok(rare.adjustedPValue > report.alpha);
  });

  it('gives the one-model journey no decision, and its true call count under 25% sampling', async () => {
    const solo = journey('solo');
    assert.deepEqual(solo.decisions, []);
    assert.equal(solo.calls, 400);
    const [claude] = solo.models;
    assert.equal(claude!.calls, 400);
    // Every call costs the same, so the spend scaled by seen / sampled is exact.
    assert.ok(Math.abs(claude!.spendUsd - 400 * costOf('claude-sonnet')) < 1e-9, `spend ${claude!.spendUsd}`);
    const stored = await call<{ sampled: number; seen: number }>('GET', `${assay.apiUrl}/v1/models/claude-sonnet/samples?limit=1`, { key: project.keys.auditor.key });
    assert.ok(stored.body.sampled < 400, `sampled ${stored.body.sampled}`);
    assert.equal(solo.experiment?.model, 'gpt-4o-mini');
    assert.equal(solo.singleProvider, true);
  });

  it('shares spend between the providers', () => {
    assert.deepEqual(report.providers.map((p) => [p.provider, p.calls]).sort(), [['anthropic', 400], ['openai', 2020]]);
    assert.ok(Math.abs(report.providers.reduce((s, p) => s + p.spendShare, 0) - 1) < 1e-12);
  });
});
