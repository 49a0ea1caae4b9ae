import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@assay/db';
import { IngestService } from '@assay/ingest';
import { call, seedProject, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';

const MODEL = 'outage-model';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function request(spanIds: string[], traceId: string): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'outage-app' } }] },
        scopeSpans: [
          {
            spans: spanIds.map((spanId) => ({
              traceId,
              spanId,
              name: `chat ${MODEL}`,
              kind: 3,
              startTimeUnixNano: String(now - 50_000_000n),
              endTimeUnixNano: String(now),
              attributes: [
                { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                { key: 'gen_ai.provider.name', value: { stringValue: 'openai' } },
                { key: 'gen_ai.request.model', value: { stringValue: MODEL } },
                { key: 'gen_ai.usage.input_tokens', value: { intValue: '10' } },
              ],
            })),
          },
        ],
      },
    ],
  });
}

describe(`${IngestService.name} with PostgreSQL stopped`, () => {
  let dataDir: string;
  let port: number;
  let database: EmbeddedDatabase;
  let assay: TestAssay;
  let project: SeededProject;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-outage-'));
    // As root the cluster runs as the postgres user, which must be able to reach its directory.
    fs.chmodSync(dataDir, 0o755);
    port = await freePort();
    database = await startEmbeddedPostgres(dataDir, port, () => undefined);
    assay = await startTestAssay({ apps: ['api', 'ingest'], env: { DATABASE_URL: database.url, ASSAY_DB_POOL_SIZE: '4' } });
    project = await seedProject(assay);
    const created = await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name: MODEL } });
    assert.equal(created.status, 201, created.text);
  });
  after(async () => {
    await assay?.close();
    await database?.stop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while it cannot write, and after recovery every accepted span is stored once', async () => {
    const traceId = randomBytes(16).toString('hex');
    const send = (body: string) =>
      call('POST', `${assay.ingestUrl}/v1/traces`, {
        body,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${project.keys.ingest.key}` },
      });
    const batches = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => randomBytes(8).toString('hex')));
    // Bodies are built once: a redelivery carries the very same spans, start times included.
    const bodies = batches.map((spanIds) => request(spanIds, traceId));
    const accepted = new Set<number>();
    for (const i of [0, 1]) {
      const response = await send(bodies[i]);
      assert.equal(response.status, 200, response.text);
      accepted.add(i);
    }

    await database.stop();
    for (const i of [2, 3]) {
      const response = await send(bodies[i]);
      assert.equal(response.status, 503, response.text);
      assert.equal(response.headers.get('retry-after'), '1');
      assert.equal((JSON.parse(response.text) as { code: number }).code, 14);
    }

    database = await startEmbeddedPostgres(dataDir, port, () => undefined);
    // The exporter retries what got 503, and redelivers one batch that had got a 200.
    for (const i of [2, 3, 1, 4, 5]) {
      let response = await send(bodies[i]);
      for (let attempt = 0; response.status === 503 && attempt < 20; attempt++) {
        await new Promise((r) => setTimeout(r, 250));
        response = await send(bodies[i]);
      }
      assert.equal(response.status, 200, response.text);
      accepted.add(i);
    }

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const rows = await client.query<{ span_id: string; n: number }>(
        `SELECT span_id, count(*)::int AS n FROM samples WHERE trace_id = $1 GROUP BY span_id`,
        [traceId],
      );
      const stored = new Map(rows.rows.map((r) => [r.span_id, r.n]));
      const expected = [...accepted].flatMap((i) => batches[i]);
      assert.equal(stored.size, expected.length);
      for (const spanId of expected) assert.equal(stored.get(spanId), 1, `span ${spanId}`);
      const counts = await client.query<{ sampled: string }>(`SELECT sum(sampled) AS sampled FROM sample_counts`);
      assert.equal(Number(counts.rows[0].sampled), expected.length);
    } finally {
      await client.end();
    }
  });
});
