import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type protobuf from 'protobufjs';
import { IngestService } from '@assay/ingest';
import {
  ExportLogsServiceRequestType,
  ExportLogsServiceResponseType,
  ExportMetricsServiceRequestType,
  ExportTraceServiceRequestType,
  type OtlpFormat,
} from '@assay/otlp';
import { call, seedProject, startTestAssay, uniqueName, type SeededProject, type TestAssay } from '@assay/testing';

// The batch: 99 valid spans and one whose value carries a character PostgreSQL refuses
// (NUL in text and jsonb, a lone surrogate escape in jsonb). Decoding replaces each with U+FFFD.
const FFFD = '\uFFFD';
const CLEAN_SPANS = 99;

type Wire = Record<string, unknown>;
const str = (value: string): Wire => ({ stringValue: value });
const attr = (key: string, value: Wire): Wire => ({ key, value });
const hexId = (bytes: number): string => randomBytes(bytes).toString('hex');

/** Protobufjs object form and OTLP/JSON differ only in ids: bytes there, hex strings here. */
function wireIds(value: unknown, format: OtlpFormat): unknown {
  if (Array.isArray(value)) return value.map((item) => wireIds(item, format));
  if (value === null || typeof value !== 'object') return value;
  const out: Wire = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = format === 'protobuf' && (key === 'traceId' || key === 'spanId') && typeof item === 'string' ? Buffer.from(item, 'hex') : wireIds(item, format);
  }
  return out;
}

function encode(type: protobuf.Type, request: Wire, format: OtlpFormat): Buffer {
  const wire = wireIds(request, format) as Wire;
  return format === 'json' ? Buffer.from(JSON.stringify(wire)) : Buffer.from(type.encode(type.fromObject(wire)).finish());
}

interface Poison {
  field: string;
  /** Where the bad character goes in the poisoned span. */
  apply(span: PoisonedSpan, bad: string): void;
  /** What the stored row of the poisoned span then holds. */
  expect(row: SampleRow, modelName: string, bad: string): void;
}

interface PoisonedSpan {
  serviceName: string;
  attributes: Wire[];
}

interface SampleRow {
  span_id: string;
  model: string;
  version: string;
  response_id: string | null;
  service_name: string;
  signals: Record<string, unknown>;
}

const spoilt = (text: string, bad: string): string => text.replace('|', bad);
const sanitised = (text: string): string => text.replace('|', FFFD);

function setAttribute(span: PoisonedSpan, key: string, value: Wire): void {
  const at = span.attributes.findIndex((a) => a.key === key);
  if (at >= 0) span.attributes[at] = attr(key, value);
  else span.attributes.push(attr(key, value));
}

const POISONS: Poison[] = [
  {
    field: 'service.name (a resource of its own)',
    apply: (span, bad) => (span.serviceName = spoilt('poison|app', bad)),
    expect: (row) => assert.equal(row.service_name, sanitised('poison|app')),
  },
  {
    field: 'the version attribute',
    apply: (span, bad) => setAttribute(span, 'assay.model.version', str(spoilt('v|2', bad))),
    expect: (row) => assert.equal(row.version, sanitised('v|2')),
  },
  {
    field: 'the response id',
    apply: (span, bad) => setAttribute(span, 'gen_ai.response.id', str(spoilt('chatcmpl-|42', bad))),
    expect: (row) => assert.equal(row.response_id, sanitised('chatcmpl-|42')),
  },
  {
    field: 'a finish reason',
    apply: (span, bad) => setAttribute(span, 'gen_ai.response.finish_reasons', { arrayValue: { values: [str(spoilt('st|op', bad))] } }),
    expect: (row) => assert.equal(row.signals.finish_reason, sanitised('st|op')),
  },
  {
    field: 'a finish reason inside gen_ai.output.messages JSON',
    apply: (span, bad) =>
      setAttribute(span, 'gen_ai.output.messages', str(JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'hi' }], finish_reason: spoilt('len|gth', bad) }]))),
    expect: (row) => assert.equal(row.signals.finish_reason, sanitised('len|gth')),
  },
  {
    field: 'the provider',
    apply: (span, bad) => setAttribute(span, 'gen_ai.provider.name', str(spoilt('open|ai', bad))),
    expect: (row) => assert.equal(row.signals.provider, sanitised('open|ai')),
  },
  {
    field: 'an unmatched model name (auto-registered)',
    apply: (span, bad) => setAttribute(span, 'gen_ai.request.model', str(spoilt('unknown|model', bad))),
    expect: (row) => assert.equal(row.model, sanitised('unknown|model')),
  },
  {
    field: 'an attribute key',
    apply: (span, bad) => setAttribute(span, spoilt('app.ten|ant', bad), str('acme')),
    // A custom signal reads the key as it is stored: with U+FFFD where the bad character was.
    expect: (row) => assert.equal(row.signals.odd_key, 'acme'),
  },
  {
    field: 'an attribute value read by a custom signal',
    apply: (span, bad) => setAttribute(span, 'app.tenant', str(spoilt('ac|me', bad))),
    expect: (row) => assert.equal(row.signals.tenant, sanitised('ac|me')),
  },
  {
    field: 'an evaluation event (name and label)',
    apply: () => undefined,
    expect: (row) => assert.equal(row.signals[`eval.${sanitised('tone|')}.label`], sanitised('po|lite')),
  },
];

describe(`${IngestService.name} with NUL characters and lone surrogates in OTLP strings`, () => {
  let assay: TestAssay;
  let project: SeededProject;
  let db: pg.Client;
  let model: string;

  before(async () => {
    assay = await startTestAssay({ apps: ['api', 'ingest'] });
    project = await seedProject(assay);
    const settings = await call('PATCH', `${assay.apiUrl}/v1/projects/${project.id}/settings`, { key: assay.adminKey, json: { autoRegisterModels: true } });
    assert.equal(settings.status, 200, settings.text);
    model = uniqueName('unsafe-strings');
    const created = await call('POST', `${assay.apiUrl}/v1/models`, {
      key: project.keys.owner.key,
      json: {
        name: model,
        customSignals: [
          { name: 'tenant', kind: 'categorical', source: { type: 'span_attribute', key: 'app.tenant' } },
          { name: 'odd_key', kind: 'categorical', source: { type: 'span_attribute', key: sanitised('app.ten|ant') } },
        ],
      },
    });
    assert.equal(created.status, 201, created.text);
    db = new pg.Client({ connectionString: assay.databaseUrl });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await assay?.close();
  });

  function chatSpan(traceId: string, attributes: Wire[], extra: Wire = {}): Wire {
    const now = BigInt(Date.now()) * 1_000_000n;
    return {
      traceId,
      spanId: hexId(8),
      name: `chat ${model}`,
      kind: 3,
      startTimeUnixNano: String(now - 80_000_000n),
      endTimeUnixNano: String(now),
      attributes,
      ...extra,
    };
  }

  function baseAttributes(): Wire[] {
    return [
      attr('gen_ai.operation.name', str('chat')),
      attr('gen_ai.provider.name', str('openai')),
      attr('gen_ai.request.model', str(model)),
      attr('gen_ai.usage.input_tokens', { intValue: '10' }),
      attr('assay.model.version', str('v1')),
      attr('app.tenant', str('clean')),
    ];
  }

  /** 99 valid spans under one resource, the poisoned one under a resource of its own. */
  function poisonedBatch(poison: Poison, bad: string): { request: Wire; traceId: string; poisonedSpanId: string } {
    const traceId = hexId(16);
    const clean = Array.from({ length: CLEAN_SPANS }, () => chatSpan(traceId, baseAttributes()));
    const span: PoisonedSpan = { serviceName: 'clean-app', attributes: baseAttributes() };
    poison.apply(span, bad);
    const events =
      poison.field === 'an evaluation event (name and label)'
        ? [{ name: 'gen_ai.evaluation.result', timeUnixNano: String(BigInt(Date.now()) * 1_000_000n), attributes: [attr('gen_ai.evaluation.name', str(spoilt('tone|', bad))), attr('gen_ai.evaluation.score.label', str(spoilt('po|lite', bad)))] }]
        : [];
    const poisoned = chatSpan(traceId, span.attributes, { events });
    const resource = (serviceName: string, spans: Wire[]): Wire => ({ resource: { attributes: [attr('service.name', str(serviceName))] }, scopeSpans: [{ scope: { name: 'test' }, spans }] });
    return { request: { resourceSpans: [resource('clean-app', clean), resource(span.serviceName, [poisoned])] }, traceId, poisonedSpanId: poisoned.spanId as string };
  }

  async function storedRows(traceId: string): Promise<SampleRow[]> {
    const result = await db.query<SampleRow>(
      `SELECT s.span_id, m.name AS model, s.version, s.response_id, s.service_name, s.signals
         FROM samples s JOIN models m ON m.id = s.model_id WHERE s.project_id = $1 AND s.trace_id = $2`,
      [project.id, traceId],
    );
    return result.rows;
  }

  async function post(path: string, body: Buffer, format: OtlpFormat): Promise<Response> {
    return fetch(`${assay.ingestUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${project.keys.ingest.key}`, 'content-type': format === 'json' ? 'application/json' : 'application/x-protobuf' },
      body,
    });
  }

  const variants: Array<{ format: OtlpFormat; label: string; bad: string }> = [
    { format: 'protobuf', label: 'NUL over protobuf', bad: '\u0000' },
    { format: 'json', label: 'NUL over OTLP/JSON', bad: '\u0000' },
    { format: 'json', label: 'a lone high surrogate over OTLP/JSON', bad: '\ud800' },
    { format: 'json', label: 'a lone low surrogate over OTLP/JSON', bad: '\udfff' },
  ];

  for (const { format, label, bad } of variants) {
    for (const poison of POISONS) {
      it(`${label} in ${poison.field}: 200 without refusals, the 99 valid spans and the sanitised one stored`, async () => {
        const { request, traceId, poisonedSpanId } = poisonedBatch(poison, bad);
        const body = encode(ExportTraceServiceRequestType, request, format);
        if (format === 'json') assert.ok(body.toString('latin1').includes(bad === '\u0000' ? '\\u0000' : `\\u${bad.charCodeAt(0).toString(16)}`), 'the escape is on the wire');
        const response = await post('/v1/traces', body, format);
        const text = Buffer.from(await response.arrayBuffer());
        assert.equal(response.status, 200, text.toString());
        assert.equal(text.toString(), format === 'json' ? '{}' : '', 'no partialSuccess');

        const rows = await storedRows(traceId);
        assert.equal(rows.length, CLEAN_SPANS + 1);
        const poisoned = rows.find((r) => r.span_id === poisonedSpanId);
        assert.ok(poisoned, 'the poisoned span is stored');
        poison.expect(poisoned, model, bad);
        for (const row of rows.filter((r) => r.span_id !== poisonedSpanId)) {
          assert.deepEqual([row.model, row.version, row.service_name, row.signals.provider, row.signals.tenant], [model, 'v1', 'clean-app', 'openai', 'clean']);
        }
        assert.doesNotMatch(JSON.stringify(rows), /\\u(0000|d[89a-f])/i, 'nothing unsafe stored');
      });
    }
  }

  it('refuses alone, through partialSuccess, a span whose value PostgreSQL still refuses (a service name too long to index)', async () => {
    const traceId = hexId(16);
    const clean = Array.from({ length: CLEAN_SPANS }, () => chatSpan(traceId, baseAttributes()));
    // No model name: not registered, counted as unmatched under its service name, which the index refuses.
    const unmatched = chatSpan(traceId, [attr('gen_ai.operation.name', str('chat')), attr('gen_ai.provider.name', str('openai'))]);
    const longName = randomBytes(24_000).toString('base64');
    const request = {
      resourceSpans: [
        { resource: { attributes: [attr('service.name', str('clean-app'))] }, scopeSpans: [{ spans: clean }] },
        { resource: { attributes: [attr('service.name', str(longName))] }, scopeSpans: [{ spans: [unmatched] }] },
      ],
    };
    const response = await post('/v1/traces', encode(ExportTraceServiceRequestType, request, 'json'), 'json');
    const body = (await response.json()) as { partialSuccess?: { rejectedSpans: number; errorMessage: string } };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.partialSuccess?.rejectedSpans, 1);
    assert.match(body.partialSuccess.errorMessage, /unmatched span.*too (long|large)/i);
    assert.ok(body.partialSuccess.errorMessage.length < 1000, 'the message does not echo the value');
    assert.equal((await storedRows(traceId)).length, CLEAN_SPANS);
    const counted = await db.query<{ seen: string }>(
      `SELECT sum(c.seen)::text AS seen FROM sample_counts c JOIN models m ON m.id = c.model_id WHERE m.project_id = $1 AND m.name = $2 AND c.version = 'v1'`,
      [project.id, model],
    );
    assert.ok(Number(counted.rows[0].seen) >= CLEAN_SPANS);
  });

  for (const { format, label, bad } of variants) {
    it(`/v1/logs: ${label} in a gen_ai.choice finish reason is stored sanitised beside 99 valid records`, async () => {
      const traceId = hexId(16);
      const spans = Array.from({ length: CLEAN_SPANS + 1 }, () => chatSpan(traceId, baseAttributes()));
      const traced = await post('/v1/traces', encode(ExportTraceServiceRequestType, { resourceSpans: [{ resource: { attributes: [attr('service.name', str('clean-app'))] }, scopeSpans: [{ spans }] }] }, format), format);
      assert.equal(traced.status, 200);
      const now = String(BigInt(Date.now()) * 1_000_000n);
      const records = spans.map((span, i) => ({
        timeUnixNano: now,
        eventName: 'gen_ai.choice',
        traceId,
        spanId: span.spanId,
        body: {
          kvlistValue: {
            values: [
              attr('index', { intValue: 0 }),
              attr('finish_reason', str(i === CLEAN_SPANS ? spoilt('len|gth', bad) : 'length')),
              attr('message', { kvlistValue: { values: [attr('role', str('assistant')), attr('content', str(i === CLEAN_SPANS ? spoilt('Par|is', bad) : 'Paris'))] } }),
            ],
          },
        },
      }));
      const logs = { resourceLogs: [{ resource: { attributes: [attr('service.name', str(spoilt('log|app', bad)))] }, scopeLogs: [{ scope: { name: spoilt('sc|ope', bad) }, logRecords: records }] }] };
      const response = await post('/v1/logs', encode(ExportLogsServiceRequestType, logs, format), format);
      const text = Buffer.from(await response.arrayBuffer());
      assert.equal(response.status, 200, text.toString());
      if (format === 'json') assert.equal(text.toString(), '{}');
      else assert.equal(ExportLogsServiceResponseType.decode(text).partialSuccess ?? null, null);
      const rows = await storedRows(traceId);
      const reasons = new Map(rows.map((r) => [r.span_id, r.signals.finish_reason]));
      assert.equal(reasons.get(spans[CLEAN_SPANS].spanId as string), sanitised('len|gth'));
      assert.deepEqual(
        spans.slice(0, CLEAN_SPANS).map((s) => reasons.get(s.spanId as string)),
        Array.from({ length: CLEAN_SPANS }, () => 'length'),
      );
    });

    it(`/v1/metrics: ${label} in the version of one data point is folded sanitised beside 99 valid points`, async () => {
      const version = uniqueName('mv');
      const minute = Math.floor(Date.now() / 60_000) * 60_000;
      const point = (pointVersion: string): Wire => ({
        startTimeUnixNano: String(BigInt(minute) * 1_000_000n),
        timeUnixNano: String(BigInt(minute + 1000) * 1_000_000n),
        count: 1,
        sum: 0.5,
        bucketCounts: [1],
        explicitBounds: [],
        attributes: [
          attr('gen_ai.operation.name', str('chat')),
          attr('gen_ai.provider.name', str('openai')),
          attr('gen_ai.request.model', str(model)),
          attr('assay.model.version', str(pointVersion)),
          attr('series', str(hexId(4))),
        ],
      });
      const metrics = {
        resourceMetrics: [
          {
            resource: { attributes: [attr('service.name', str(spoilt('metric|app', bad)))] },
            scopeMetrics: [
              {
                scope: { name: 'gen_ai' },
                metrics: [
                  {
                    name: 'gen_ai.client.operation.duration',
                    unit: spoilt('|s', bad),
                    histogram: {
                      aggregationTemporality: 1,
                      dataPoints: [...Array.from({ length: CLEAN_SPANS }, () => point(version)), point(spoilt(`${version}|`, bad))],
                    },
                  },
                ],
              },
            ],
          },
        ],
      };
      const response = await post('/v1/metrics', encode(ExportMetricsServiceRequestType, metrics, format), format);
      const text = Buffer.from(await response.arrayBuffer());
      assert.equal(response.status, 200, text.toString());
      const totals = await db.query<{ version: string; operations: string }>(
        `SELECT t.version, t.operations::text FROM client_metric_totals t JOIN models m ON m.id = t.model_id
          WHERE m.project_id = $1 AND m.name = $2 AND t.version LIKE $3 ORDER BY t.version`,
        [project.id, model, `${version}%`],
      );
      assert.deepEqual(
        totals.rows.map((r) => [r.version, Number(r.operations)]),
        [
          [version, CLEAN_SPANS],
          [sanitised(`${version}|`), 1],
        ],
      );
    });
  }
});
