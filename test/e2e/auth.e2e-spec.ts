import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { call, createKey, seedProject, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';

describe('API keys and roles', () => {
  let assay: TestAssay;
  let alpha: SeededProject;
  let beta: SeededProject;
  const secrets: string[] = [];

  before(async () => {
    assay = await startTestAssay({ apps: ['api'] });
    [alpha, beta] = await Promise.all([seedProject(assay), seedProject(assay)]);
    for (const project of [alpha, beta]) secrets.push(...Object.values(project.keys).map((k) => k.key));
  });
  after(() => assay.close());

  it('answers 401 without a key, with a malformed header and with an unknown key', async () => {
    const url = `${assay.apiUrl}/v1/projects`;
    assert.equal((await call('GET', url)).status, 401);
    assert.equal((await call('GET', url, { headers: { authorization: 'Basic abc' } })).status, 401);
    const unknown = await call<{ message: string }>('GET', url, { key: 'assay_owner_doesnotexistdoesnotexistdoesnotexist' });
    assert.equal(unknown.status, 401);
    assert.equal(unknown.body.message, 'unknown or revoked API key');
  });

  it('leaves health, readiness, metrics and docs open', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/docs-json']) {
      assert.equal((await call('GET', `${assay.apiUrl}${path}`)).status, 200, path);
    }
  });

  it('lets only admins create projects: 403 for every project role', async () => {
    for (const role of ['owner', 'ci', 'auditor', 'ingest'] as const) {
      const response = await call('POST', `${assay.apiUrl}/v1/projects`, { key: alpha.keys[role].key, json: { name: `x-${role}` } });
      assert.equal(response.status, 403, role);
    }
  });

  it('lets owners manage keys of their own project only; ci, auditor and ingest get 403', async () => {
    for (const role of ['ci', 'auditor', 'ingest'] as const) {
      const key = alpha.keys[role].key;
      assert.equal((await call('GET', `${assay.apiUrl}/v1/keys`, { key })).status, 403, role);
      assert.equal((await call('POST', `${assay.apiUrl}/v1/keys`, { key, json: { projectId: alpha.id, role: 'ci', name: 'x' } })).status, 403, role);
      assert.equal((await call('DELETE', `${assay.apiUrl}/v1/keys/${alpha.keys.ci.id}`, { key })).status, 403, role);
    }
    const owner = alpha.keys.owner.key;
    const listed = await call<{ items: Array<{ projectId: string; id: string }> }>('GET', `${assay.apiUrl}/v1/keys`, { key: owner });
    assert.equal(listed.status, 200);
    assert.deepEqual(new Set(listed.body.items.map((k) => k.projectId)), new Set([alpha.id]));
    assert.equal(listed.body.items.length, 4);
    assert.equal((await call('POST', `${assay.apiUrl}/v1/keys`, { key: owner, json: { role: 'admin', name: 'escalate' } })).status, 403);
  });

  it("answers 404 for another project's resources", async () => {
    const owner = alpha.keys.owner.key;
    assert.equal((await call('GET', `${assay.apiUrl}/v1/projects/${beta.id}`, { key: owner })).status, 404);
    assert.equal((await call('GET', `${assay.apiUrl}/v1/projects/${alpha.id}`, { key: owner })).status, 200);
    for (const role of ['ci', 'auditor'] as const) {
      assert.equal((await call('GET', `${assay.apiUrl}/v1/projects/${beta.id}`, { key: alpha.keys[role].key })).status, 404, role);
    }
    assert.equal((await call('DELETE', `${assay.apiUrl}/v1/keys/${beta.keys.ci.id}`, { key: owner })).status, 404);
    assert.equal((await call('GET', `${assay.apiUrl}/v1/keys?projectId=${beta.id}`, { key: owner })).status, 404);
  });

  it("creates an owner's keys in the owner's project when projectId is left out", async () => {
    const created = await call<{ id: string; projectId: string; role: string; key: string }>('POST', `${assay.apiUrl}/v1/keys`, {
      key: alpha.keys.owner.key,
      json: { role: 'auditor', name: 'no project id' },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.projectId, alpha.id);
    assert.equal(created.body.role, 'auditor');
    secrets.push(created.body.key);
    const seen = await call<{ id: string }>('GET', `${assay.apiUrl}/v1/projects/${alpha.id}`, { key: created.body.key });
    assert.equal(seen.status, 200);
    assert.equal(seen.body.id, alpha.id);
    assert.equal((await call('GET', `${assay.apiUrl}/v1/projects/${beta.id}`, { key: created.body.key })).status, 404);
    const explicit = await call<{ projectId: string }>('POST', `${assay.apiUrl}/v1/keys`, {
      key: alpha.keys.owner.key,
      json: { projectId: alpha.id, role: 'ci', name: 'own project id' },
    });
    assert.equal(explicit.status, 201);
    assert.equal(explicit.body.projectId, alpha.id);
  });

  it("answers 403 to an owner naming another project's id, or one that does not exist, and creates nothing", async () => {
    const before = await call<{ items: unknown[] }>('GET', `${assay.apiUrl}/v1/keys?projectId=${beta.id}`, { key: assay.adminKey });
    for (const projectId of [beta.id, '00000000-0000-4000-8000-000000000000']) {
      const refused = await call<{ message: string }>('POST', `${assay.apiUrl}/v1/keys`, {
        key: alpha.keys.owner.key,
        json: { projectId, role: 'ci', name: 'elsewhere' },
      });
      assert.equal(refused.status, 403, projectId);
      assert.equal(refused.body.message, `an owner key creates keys in its own project (${alpha.id}) only`);
    }
    const afterwards = await call<{ items: unknown[] }>('GET', `${assay.apiUrl}/v1/keys?projectId=${beta.id}`, { key: assay.adminKey });
    assert.equal(afterwards.body.items.length, before.body.items.length);
  });

  it('stops accepting a revoked key at once', async () => {
    const victim = await createKey(assay, alpha.keys.owner.key, alpha.id, 'auditor');
    secrets.push(victim.key);
    assert.equal((await call('GET', `${assay.apiUrl}/v1/projects`, { key: victim.key })).status, 200);
    const revoked = await call<{ revokedAt: string | null }>('DELETE', `${assay.apiUrl}/v1/keys/${victim.id}`, { key: alpha.keys.owner.key });
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    assert.equal((await call('GET', `${assay.apiUrl}/v1/projects`, { key: victim.key })).status, 401);
  });

  it('shows the secret once: listing never returns it', async () => {
    const listed = await call('GET', `${assay.apiUrl}/v1/keys?projectId=${alpha.id}`, { key: assay.adminKey });
    assert.equal(listed.status, 200);
    for (const secret of secrets) assert.ok(!listed.text.includes(secret));
    assert.ok(!listed.text.includes('"key"'));
  });

  it('stores no key secret in the database and logs none', async () => {
    const client = new pg.Client({ connectionString: assay.databaseUrl });
    await client.connect();
    try {
      const rows = await client.query<{ row: string }>(`SELECT row_to_json(k)::text AS row FROM api_keys k`);
      const dump = rows.rows.map((r) => r.row).join('\n');
      for (const secret of [...secrets, assay.adminKey]) {
        assert.ok(!dump.includes(secret), 'a key secret is stored in api_keys');
        assert.ok(!dump.includes(Buffer.from(secret).toString('hex')), 'a key secret is stored hex-encoded');
      }
    } finally {
      await client.end();
    }
    assert.ok(assay.logs.length > 10, 'the run produced logs');
    const logText = assay.logs.join('\n');
    for (const secret of [...secrets, assay.adminKey]) assert.ok(!logText.includes(secret), 'a key secret was logged');
  });

  it('refuses unknown fields, bad roles and missing project ids with 400 and the reason', async () => {
    const response = await call<{ message: string[] }>('POST', `${assay.apiUrl}/v1/keys`, {
      key: assay.adminKey,
      json: { projectId: alpha.id, role: 'superuser', name: 'x', extra: 1 },
    });
    assert.equal(response.status, 400);
    assert.ok(response.body.message.some((m) => m.includes('property extra should not exist')));
    assert.ok(response.body.message.some((m) => m.includes('role must be one of the following values')));
    const missing = await call<{ message: string }>('POST', `${assay.apiUrl}/v1/keys`, { key: assay.adminKey, json: { role: 'ci', name: 'x' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.message, 'projectId is required for a non-admin key');
  });

  it('answers 413 for a body over the limit and 415 for an unsupported content type', async () => {
    const big = await call('POST', `${assay.apiUrl}/v1/projects`, { key: assay.adminKey, json: { name: 'a'.repeat(9 << 20) } });
    assert.equal(big.status, 413);
    const xml = await call('POST', `${assay.apiUrl}/v1/projects`, {
      key: assay.adminKey,
      body: '<project/>',
      headers: { 'content-type': 'application/xml' },
    });
    assert.equal(xml.status, 415);
  });
});
