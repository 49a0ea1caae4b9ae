import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { call, seedProject, startTestAssay, uniqueName, type TestAssay } from '@assay/testing';

interface Operation {
  summary?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface OpenApiDocument {
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, { type: string; scheme?: string; bearerFormat?: string }>;
    schemas: Record<string, Record<string, unknown>>;
  };
}

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
const REDOCLY = path.resolve('node_modules/@redocly/cli/bin/cli.js');

function operationsOf(doc: OpenApiDocument): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([route, item]) =>
    Object.entries(item).filter(([method]) => METHODS.has(method)).map(([method, op]) => [`${method.toUpperCase()} ${route}`, op] as [string, Operation]),
  );
}

// Redocly's own linter under its `recommended` ruleset, as an operator would run it on the live document.
function lint(doc: OpenApiDocument, dir: string): { status: number | null; problems: LintProblem[]; output: string } {
  const file = path.join(dir, `openapi-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(doc));
  const run = spawnSync(process.execPath, [REDOCLY, 'lint', file, '--extends=recommended', '--format=json', '--max-problems=1000'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    timeout: 120_000,
  });
  const json = run.stdout.slice(run.stdout.indexOf('{'));
  const problems = json ? (JSON.parse(json) as { problems: LintProblem[] }).problems : [];
  return { status: run.status, problems, output: run.stdout + run.stderr };
}

describe('OpenAPI document under Redocly lint (recommended rules)', () => {
  let assay: TestAssay;
  let doc: OpenApiDocument;
  let dir: string;

  before(async () => {
    assay = await startTestAssay({ apps: ['api'] });
    const response = await call<OpenApiDocument>('GET', `${assay.apiUrl}/docs-json`);
    assert.equal(response.status, 200);
    doc = response.body;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-openapi-'));
  });
  after(async () => {
    await assay.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lints clean: no errors and no warnings', () => {
    const result = lint(doc, dir);
    const listed = result.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    assert.deepEqual(listed, []);
    assert.equal(result.status, 0, result.output);
  });

  it('fails the lint when an operation loses its summary', () => {
    const [name] = operationsOf(doc).find(([, op]) => op.summary)!;
    const broken = structuredClone(doc);
    const [method, route] = name.split(' ');
    delete broken.paths[route][method.toLowerCase()].summary;
    const result = lint(broken, dir);
    assert.notEqual(result.status, 0);
    assert.deepEqual(result.problems.map((p) => p.ruleId), ['operation-summary']);
  });

  it('documents the error body on every authenticated operation, an API-key bearer scheme and a server', () => {
    const scheme = doc.components.securitySchemes.bearer;
    assert.equal(scheme.type, 'http');
    assert.equal(scheme.scheme, 'bearer');
    assert.notEqual(scheme.bearerFormat, 'JWT');
    assert.ok((doc.servers ?? []).length > 0);
    for (const [name, op] of operationsOf(doc).filter(([, op]) => op.security)) {
      for (const status of ['401', '403', '429', '503']) {
        assert.equal(op.responses[status]?.content?.['application/json']?.schema?.$ref, '#/components/schemas/ErrorBodyDto', `${name} ${status}`);
      }
    }
  });

  it('declares the report formats and the alert stream media types', () => {
    const report = doc.paths['/v1/reports/{id}'].get.responses;
    assert.deepEqual(Object.keys(report['200'].content ?? {}).sort(), ['application/json', 'application/vnd.cyclonedx+json', 'text/html']);
    assert.ok(report['422'].content?.['application/json']);
    const streams = operationsOf(doc).filter(([, op]) => Object.values(op.responses).some((r) => r.content && 'text/event-stream' in r.content));
    assert.ok(streams.length >= 1);
  });

  it('documents the errors the API really answers, with bodies that match the documented error schema', async () => {
    const project = await seedProject(assay);
    const owner = project.keys.owner.key;
    const model = uniqueName('model');
    assert.equal((await call('POST', `${assay.apiUrl}/v1/models`, { key: owner, json: { name: model } })).status, 201);
    const answers: [string, number, Promise<{ status: number; body: unknown }>][] = [
      ['GET /v1/models', 401, call('GET', `${assay.apiUrl}/v1/models`)],
      ['POST /v1/projects', 403, call('POST', `${assay.apiUrl}/v1/projects`, { key: owner, json: { name: uniqueName('p') } })],
      ['GET /v1/models/{name}', 404, call('GET', `${assay.apiUrl}/v1/models/${uniqueName('missing')}`, { key: owner })],
      ['POST /v1/models', 400, call('POST', `${assay.apiUrl}/v1/models`, { key: owner, json: { name: 42 } })],
      ['POST /v1/models', 409, call('POST', `${assay.apiUrl}/v1/models`, { key: owner, json: { name: model } })],
      ['POST /v1/models', 415, call('POST', `${assay.apiUrl}/v1/models`, { key: owner, body: '<model/>', headers: { 'content-type': 'application/xml' } })],
      ['GET /v1/alerts/{id}', 400, call('GET', `${assay.apiUrl}/v1/alerts/not-a-uuid`, { key: owner })],
    ];
    const validate = new Ajv({ strict: false }).compile(doc.components.schemas.ErrorBodyDto);
    for (const [name, status, answer] of answers) {
      const { status: got, body } = await answer;
      assert.equal(got, status, name);
      assert.ok(validate(body), `${name} ${status}: ${JSON.stringify(validate.errors)} for ${JSON.stringify(body)}`);
      const [method, route] = name.split(' ');
      assert.ok(doc.paths[route][method.toLowerCase()].responses[String(status)], `${name} does not document ${status}`);
    }
  });
});
