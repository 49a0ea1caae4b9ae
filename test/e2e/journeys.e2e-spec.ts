import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { unionOfDistinctBytes } from '@assay/stats';
import { call, eventually, seedProject, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';
import { CHAT_MODEL, type Scenario } from '../../libs/otlp/fixtures/clients/catalog.js';
import { encodeProtobufRequest } from '../../libs/otlp/src/test-support/protobuf-request.js';
import { startFakeOpenAi, type FakeOpenAi } from '../support/fake-openai.js';

const run = promisify(execFile);
const DRIVER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'support', 'genai-clients', 'drive.js');
const SPANS_PER_REQUEST = 100;

type Attribute = { key: string; value: { stringValue: string } | { intValue: number } };
const text = (key: string, value: string): Attribute => ({ key, value: { stringValue: value } });

interface SpanSpec {
  model: string;
  /** Attributes of the inference span beside the GenAI ones. */
  attributes?: Attribute[];
  /** A SERVER parent span in the same request, with these attributes. */
  parent?: Attribute[];
  input?: string;
}

/** One OTLP/protobuf request: each spec an inference span (and its parent), under a resource with `resource` attributes. */
function protobufRequest(specs: SpanSpec[], resource: Attribute[] = []): Buffer {
  const traceId = randomBytes(16);
  const now = BigInt(Date.now()) * 1_000_000n;
  const spans = specs.flatMap((spec, i) => {
    const spanId = randomBytes(8);
    const parentId = spec.parent ? randomBytes(8) : null;
    const start = String(now - 60_000_000n - BigInt(i) * 1000n);
    const end = String(now - BigInt(i) * 1000n);
    const chat = {
      traceId,
      spanId,
      ...(parentId ? { parentSpanId: parentId } : {}),
      name: `chat ${spec.model}`,
      kind: 3,
      startTimeUnixNano: start,
      endTimeUnixNano: end,
      attributes: [
        text('gen_ai.operation.name', 'chat'),
        text('gen_ai.provider.name', 'openai'),
        text('gen_ai.request.model', spec.model),
        { key: 'gen_ai.usage.input_tokens', value: { intValue: 12 } },
        { key: 'gen_ai.usage.output_tokens', value: { intValue: 30 } },
        ...(spec.input === undefined ? [] : [text('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: spec.input }] }]))]),
        ...(spec.attributes ?? []),
      ],
    };
    return parentId ? [chat, { traceId, spanId: parentId, name: 'POST', kind: 2, startTimeUnixNano: start, endTimeUnixNano: end, attributes: spec.parent }] : [chat];
  });
  return encodeProtobufRequest({ resourceSpans: [{ resource: { attributes: [text('service.name', 'journeys-app'), ...resource] }, scopeSpans: [{ spans }] }] });
}

describe('journeys at ingest', () => {
  let assay: TestAssay;
  let db: pg.Client;

  const send = async (project: SeededProject, body: Buffer): Promise<void> => {
    const sent = await call('POST', `${assay.ingestUrl}/v1/traces`, { key: project.keys.ingest.key, body, headers: { 'content-type': 'application/x-protobuf' } });
    assert.equal(sent.status, 200, sent.text);
  };
  const createModel = async (project: SeededProject, name: string, probability: number): Promise<void> => {
    const created = await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name, sampling: { probability } } });
    assert.equal(created.status, 201, created.text);
  };
  const settings = (project: SeededProject, json: Record<string, unknown>) => call('PATCH', `${assay.apiUrl}/v1/projects/${project.id}/settings`, { key: project.keys.owner.key, json });

  before(async () => {
    assay = await startTestAssay({ apps: ['api', 'ingest'] });
    db = new pg.Client({ connectionString: assay.databaseUrl });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await assay?.close();
  });

  it('refuses bad journey settings with the reason, and keeps good ones', async () => {
    const project = await seedProject(assay);
    for (const bad of [{ journeyLimit: 0 }, { journeyLimit: 10_001 }, { journeyLimit: 2.5 }, { journeyAttributes: [] }, { journeyAttributes: ['a', 'a'] }, { journeyAttributes: [''] }, { journeyAttributes: [7] }]) {
      const refused = await settings(project, bad);
      assert.equal(refused.status, 400, `${JSON.stringify(bad)}: ${refused.text}`);
      assert.match(refused.text, /journey(Limit|Attributes)/);
    }
    const auditor = await call('PATCH', `${assay.apiUrl}/v1/projects/${project.id}/settings`, { key: project.keys.auditor.key, json: { journeyLimit: 5 } });
    assert.equal(auditor.status, 403);
    const kept = await settings(project, { journeyAttributes: ['app.step', 'http.route'], journeyLimit: 20 });
    assert.equal(kept.status, 200, kept.text);
    assert.deepEqual(kept.body.settings, { journeyAttributes: ['app.step', 'http.route'], journeyLimit: 20 });
  });

  it('counts every seen span per journey exactly at 25% sampling, from the span, a SERVER parent or the resource', async () => {
    const project = await seedProject(assay);
    await createModel(project, 'gpt-4o', 0.25);
    const perRequest: SpanSpec[] = [
      ...Array.from({ length: 50 }, () => ({ model: 'gpt-4o', attributes: [text('assay.journey', 'faq')] })),
      ...Array.from({ length: 30 }, () => ({ model: 'gpt-4o', parent: [text('http.route', '/v1/tickets/:id')] })),
      ...Array.from({ length: 20 }, () => ({ model: 'gpt-4o' })),
    ];
    const requests = 40;
    for (let i = 0; i < requests; i++) await send(project, protobufRequest(perRequest, [text('gen_ai.agent.name', 'nightly-batch')]));
    const counts = await db.query<{ journey: string; seen: string; sampled: string }>(
      `SELECT journey, sum(seen) AS seen, sum(sampled) AS sampled FROM journey_counts WHERE project_id = $1 GROUP BY journey ORDER BY journey`,
      [project.id],
    );
    const stored = await db.query<{ journey: string; n: string }>(
      `SELECT s.journey, count(*) AS n FROM samples s JOIN models m ON m.id = s.model_id WHERE m.project_id = $1 GROUP BY s.journey ORDER BY s.journey`,
      [project.id],
    );
    assert.deepEqual(counts.rows.map((r) => [r.journey, Number(r.seen)]), [['/v1/tickets/:id', 30 * requests], ['faq', 50 * requests], ['nightly-batch', 20 * requests]]);
    assert.deepEqual(counts.rows.map((r) => [r.journey, Number(r.sampled)]), stored.rows.map((r) => [r.journey, Number(r.n)]));
    for (const row of counts.rows) {
      const share = Number(row.sampled) / Number(row.seen);
      // 800 to 2000 spans at 25%: more than 4.5 standard errors from 0.25 would be a bug.
      assert.ok(Math.abs(share - 0.25) < 4.5 * Math.sqrt((0.25 * 0.75) / Number(row.seen)), `${row.journey}: sampled share ${share}`);
    }
  });

  it('counts journeys past the project limit as (other), with the overflow counted per minute', async () => {
    const project = await seedProject(assay);
    assert.equal((await settings(project, { journeyLimit: 2 })).status, 200);
    await createModel(project, 'gpt-4o', 1);
    const journeys = ['a', 'b', 'c', 'd'];
    await send(project, protobufRequest(journeys.flatMap((j, i) => Array.from({ length: i + 1 }, () => ({ model: 'gpt-4o', attributes: [text('assay.journey', j)] })))));
    await send(project, protobufRequest([{ model: 'gpt-4o', attributes: [text('assay.journey', 'e')] }, { model: 'gpt-4o', attributes: [text('assay.journey', 'a')] }]));
    const registry = await db.query<{ journey: string }>(`SELECT journey FROM project_journeys WHERE project_id = $1 ORDER BY journey`, [project.id]);
    assert.deepEqual(registry.rows.map((r) => r.journey), ['a', 'b']);
    const counts = await db.query<{ journey: string; seen: string }>(`SELECT journey, sum(seen) AS seen FROM journey_counts WHERE project_id = $1 GROUP BY journey ORDER BY journey`, [project.id]);
    assert.deepEqual(counts.rows.map((r) => [r.journey, Number(r.seen)]), [['(other)', 3 + 4 + 1], ['a', 2], ['b', 2]]);
    const overflow = await db.query<{ n: string }>(`SELECT sum(count) AS n FROM journey_overflow WHERE project_id = $1`, [project.id]);
    assert.equal(Number(overflow.rows[0].n), 8);
    const samples = await db.query<{ journey: string; n: string }>(
      `SELECT s.journey, count(*) AS n FROM samples s JOIN models m ON m.id = s.model_id WHERE m.project_id = $1 GROUP BY s.journey ORDER BY s.journey`,
      [project.id],
    );
    assert.deepEqual(samples.rows.map((r) => [r.journey, Number(r.n)]), [['(other)', 8], ['a', 2], ['b', 2]]);
  });

  it('gives the repeat share of a stream with 30% repeated inputs at 10% sampling within 0.02, from the stored sketches', async (t) => {
    const project = await seedProject(assay);
    await createModel(project, 'gpt-4o-mini', 0.1);
    const calls = 20_000;
    const distinct = 14_000;
    const inputs = Array.from({ length: calls }, (_, i) => (i < distinct ? `question ${i}: ${randomBytes(6).toString('hex')}` : ''));
    for (let i = distinct; i < calls; i++) inputs[i] = inputs[Math.floor(Math.random() * distinct)];
    for (let i = inputs.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [inputs[i], inputs[j]] = [inputs[j], inputs[i]];
    }
    for (let at = 0; at < calls; at += SPANS_PER_REQUEST) {
      await send(project, protobufRequest(inputs.slice(at, at + SPANS_PER_REQUEST).map((input) => ({ model: 'gpt-4o-mini', attributes: [text('assay.journey', 'faq')], input }))));
    }
    // The ingest adds its buffered sketches every few seconds.
    const rows = await eventually(async () => {
      const found = await db.query<{ calls_with_input: string; sketch: Buffer }>(`SELECT calls_with_input, sketch FROM journey_input_sketches WHERE project_id = $1 AND journey = 'faq'`, [project.id]);
      return found.rows.reduce((n, r) => n + Number(r.calls_with_input), 0) === calls ? found.rows : null;
    }, 20_000);
    const sketch = unionOfDistinctBytes(rows.map((r) => r.sketch));
    const repeatShare = 1 - Math.min(sketch.estimate(), calls) / calls;
    const truth = 1 - new Set(inputs).size / calls;
    t.diagnostic(`repeat share ${repeatShare.toFixed(4)} from ${rows.length} sketch row(s), truth ${truth.toFixed(4)}`);
    assert.ok(Math.abs(repeatShare - truth) < 0.02, `repeat share ${repeatShare}, truth ${truth}`);
    const sampled = await db.query<{ n: string }>(`SELECT sum(sampled) AS n FROM journey_counts WHERE project_id = $1`, [project.id]);
    assert.ok(Number(sampled.rows[0].n) < calls / 5, 'most calls were not sampled');
  });

  describe('through published instrumentations', () => {
    let project: SeededProject;
    let fake: FakeOpenAi;
    const traces = new Map<string, Record<Scenario, string>>();

    before(async () => {
      project = await seedProject(assay);
      await createModel(project, CHAT_MODEL, 1);
      fake = await startFakeOpenAi();
      for (const client of ['ai-sdk-6', 'openinference']) {
        const { stdout, stderr } = await run(process.execPath, [DRIVER, client, 'otlp'], {
          timeout: 60_000,
          env: {
            PATH: process.env.PATH,
            FAKE_OPENAI_URL: fake.url,
            OTEL_EXPORTER_OTLP_ENDPOINT: assay.ingestUrl,
            OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${project.keys.ingest.key}`,
            OTEL_LOG_LEVEL: 'warn',
            DRIVE_HTTP_ROUTE: '1',
          },
        });
        assert.equal(stderr, '');
        traces.set(client, JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<Scenario, string>);
      }
    });
    after(async () => {
      await fake?.close();
    });

    const journeyOfTrace = async (traceId: string): Promise<string[]> =>
      (await db.query<{ journey: string }>(`SELECT s.journey FROM samples s JOIN models m ON m.id = s.model_id WHERE m.project_id = $1 AND s.trace_id = $2`, [project.id, traceId])).rows.map((r) => r.journey);

    it('AI SDK: the provider call names its journey by ai.telemetry.functionId, before the SERVER parent’s http.route', async () => {
      assert.deepEqual(await journeyOfTrace(traces.get('ai-sdk-6')!.chat), ['answer-question']);
    });

    it('OpenInference: an LLM span without a journey of its own takes the http.route of its SERVER parent', async () => {
      assert.deepEqual(await journeyOfTrace(traces.get('openinference')!.chat), ['/scenario/chat']);
      assert.deepEqual(await journeyOfTrace(traces.get('openinference')!['tool-call']), ['/scenario/tool-call']);
    });

    it('counts the seen calls of each journey', async () => {
      const counts = await db.query<{ journey: string; seen: string }>(`SELECT journey, sum(seen) AS seen FROM journey_counts WHERE project_id = $1 GROUP BY journey`, [project.id]);
      const seen = Object.fromEntries(counts.rows.map((r) => [r.journey, Number(r.seen)]));
      assert.ok(seen['answer-question'] >= 3, JSON.stringify(seen));
      assert.equal(seen['/scenario/chat'], 1, JSON.stringify(seen));
    });
  });
});
