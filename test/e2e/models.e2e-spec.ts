import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ModelsService } from '@assay/models';
import { call, seedProject, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';

describe(ModelsService.name, () => {
  let assay: TestAssay;
  let project: SeededProject;
  let other: SeededProject;

  const api = (method: string, path: string, key: string, json?: unknown) => call(method, `${assay.apiUrl}${path}`, { key, json });

  before(async () => {
    assay = await startTestAssay({ apps: ['api'] });
    project = await seedProject(assay);
    other = await seedProject(assay);
  });
  after(async () => {
    await assay.close();
  });

  it('creates a model with defaults, refuses a duplicate name and hides it from other projects', async () => {
    const created = await api('POST', '/v1/models', project.keys.owner.key, { name: 'claude-sonnet', owner: 'ml-team', riskTier: 'high' });
    const duplicate = await api('POST', '/v1/models', project.keys.owner.key, { name: 'claude-sonnet' });
    const elsewhere = await api('GET', '/v1/models/claude-sonnet', other.keys.owner.key);
    const asAuditor = await api('GET', '/v1/models/claude-sonnet', project.keys.auditor.key);
    const auditorWrites = await api('POST', '/v1/models', project.keys.auditor.key, { name: 'nope' });

    assert.equal(created.status, 201, created.text);
    assert.deepEqual(
      [created.body.versionAttribute, created.body.sampling, created.body.customSignals, created.body.riskTier],
      ['assay.model.version', { probability: 1, maxPerMinute: null }, [], 'high'],
    );
    assert.deepEqual([duplicate.status, elsewhere.status, asAuditor.status, auditorWrites.status], [409, 404, 200, 403]);
  });

  it('refuses an invalid custom signal with the reason', async () => {
    const response = await api('POST', '/v1/models', project.keys.owner.key, {
      name: 'bad-signals',
      customSignals: [{ name: 'latency_ms', kind: 'numeric', source: { type: 'output_length' } }],
    });
    assert.equal(response.status, 400);
    assert.match(String(response.body.message), /latency_ms.*built-in/);
  });

  it('refuses numeric settings beyond their bounds, naming the setting', async () => {
    const owner = project.keys.owner.key;
    const refused = async (method: string, path: string, json: unknown, reason: RegExp): Promise<void> => {
      const response = await api(method, path, owner, json);
      assert.equal(response.status, 400, `${path} ${JSON.stringify(json)}: ${response.text}`);
      assert.match(JSON.stringify(response.body.message), reason);
    };
    await refused('POST', '/v1/models', { name: 'capped', sampling: { probability: 1, maxPerMinute: 1e300 } }, /maxPerMinute must not be greater than 10000000/);
    await refused('POST', '/v1/models', { name: 'hot', energy: { whPerThousandTokens: 1e308, gCo2ePerWh: 0.4 } }, /whPerThousandTokens must not be greater than 10000/);
    await refused('POST', '/v1/models', { name: 'dirty', energy: { whPerThousandTokens: 0.3, gCo2ePerWh: 1e308 } }, /gCo2ePerWh must not be greater than 10000/);
    await refused('PUT', '/v1/prices', { prices: [{ provider: 'openai', model: 'm', inputPerMillion: 1e300, outputPerMillion: 1 }] }, /inputPerMillion must not be greater than 100000/);

    assert.equal((await api('POST', '/v1/models', owner, { name: 'bounded', sampling: { probability: 1, maxPerMinute: 10_000_000 }, energy: { whPerThousandTokens: 10_000, gCo2ePerWh: 0 } })).status, 201);
    const monitor = { window: { type: 'count', samples: 100 }, scheduleSeconds: 60 };
    await refused('POST', '/v1/models/bounded/monitors', { ...monitor, name: 'p', signal: 'latency_ms', method: 'ks', threshold: 5 }, /threshold of ks is an effect size \(the KS distance D\): at most 1, got 5/);
    await refused('POST', '/v1/models/bounded/monitors', { ...monitor, name: 'd', signal: 'latency_ms', method: 'psi', threshold: 1e7 }, /threshold must not be greater than 1000000/);
    const created = await api('POST', '/v1/models/bounded/monitors', owner, { ...monitor, name: 'ok', signal: 'latency_ms', method: 'chi2', threshold: 0.01 });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual([created.body.alpha, created.body.effectiveMethod, created.body.effectiveThreshold], [0.01, 'chi2', 0.01]);
    await refused('POST', '/v1/models/bounded/monitors', { ...monitor, name: 'a', signal: 'latency_ms', method: 'ks', alpha: 1.5 }, /alpha must be a number between 0 and 1 \(exclusive\), got 1.5/);
    await refused('PATCH', `/v1/monitors/${created.body.id}`, { alpha: 0 }, /alpha must be a number between 0 and 1/);
    await refused('PATCH', `/v1/monitors/${created.body.id}`, { threshold: 1.5 }, /threshold of chi2 is an effect size \(Cramér's V\): at most 1, got 1.5/);
    await refused('PUT', '/v1/models/bounded/gate-policy', { signals: [{ signal: 'latency_ms', method: 'ztest', threshold: 2 }] }, /signals: latency_ms: threshold of ztest is an effect size/);
    for (const alpha of [0, 1, -0.01, 1.5]) {
      await refused('PUT', '/v1/models/bounded/gate-policy', { signals: [{ signal: 'latency_ms', method: 'ks', alpha }] }, new RegExp(`signals: latency_ms: alpha must be a number between 0 and 1 \\(exclusive\\), got ${alpha}`));
      await refused('POST', '/v1/models/bounded/monitors', { ...monitor, name: 'a', signal: 'latency_ms', method: 'ks', alpha }, /alpha must be a number between 0 and 1 \(exclusive\)/);
      await refused('PATCH', `/v1/monitors/${created.body.id}`, { alpha }, /alpha must be a number between 0 and 1 \(exclusive\)/);
    }
    for (const alpha of ['0.05', true, [0.05], { value: 0.05 }]) {
      await refused('PUT', '/v1/models/bounded/gate-policy', { signals: [{ signal: 'latency_ms', method: 'ks', alpha }] }, /signals\.0\.alpha must be a number/);
      await refused('POST', '/v1/models/bounded/monitors', { ...monitor, name: 'a', signal: 'latency_ms', method: 'ks', alpha }, /alpha must be a number/);
      await refused('PATCH', `/v1/monitors/${created.body.id}`, { alpha }, /alpha must be a number/);
    }
    const gatePolicy = await api('PUT', '/v1/models/bounded/gate-policy', owner, { signals: [{ signal: 'latency_ms', method: 'ks', threshold: null, alpha: 0.001 }, { signal: 'input_tokens', method: 'ks', threshold: null, alpha: null }] });
    assert.equal(gatePolicy.status, 200, gatePolicy.text);
    const stored = await api('GET', '/v1/models/bounded/gate-policy', owner);
    assert.deepEqual((stored.body as { signals: Array<{ signal: string; alpha: number | null }> }).signals.map((g) => [g.signal, g.alpha]), [['latency_ms', 0.001], ['input_tokens', null]]);
    assert.equal((await api('PATCH', `/v1/monitors/${created.body.id}`, owner, { method: 'psi', threshold: 1.5 })).status, 200);
  });

  it('registers versions by any in-toto digest algorithm and names a wrong one', async () => {
    const owner = project.keys.owner.key;
    await api('POST', '/v1/models', owner, { name: 'digests' });
    for (const artifactDigest of [`gitCommit:${'a'.repeat(40)}`, `sha512:${'b'.repeat(128)}`, `dirHash:${'c'.repeat(64)}`]) {
      const created = await api('POST', '/v1/models/digests/versions', owner, { version: artifactDigest.split(':')[0], artifactDigest });
      assert.deepEqual([created.status, created.body.artifactDigest], [201, artifactDigest], created.text);
    }
    for (const [artifactDigest, reason] of [
      [`md5:${'a'.repeat(32)}`, /^artifactDigest: md5 is not collision resistant/],
      [`sha256:${'a'.repeat(40)}`, /^artifactDigest: a sha256 digest is 64 hex characters, got 40$/],
      ['a'.repeat(64), /^artifactDigest: an artifact digest is <algorithm>:<lowercase hex>/],
    ] as const) {
      const refused = await api('POST', '/v1/models/digests/versions', owner, { version: `bad-${artifactDigest.length}`, artifactDigest });
      assert.equal(refused.status, 400, refused.text);
      assert.match(String(refused.body.message), reason);
    }
  });

  it('moves versions forward only and retires the production version when another is promoted', async () => {
    await api('POST', '/v1/models', project.keys.owner.key, { name: 'ranker' });
    for (const version of ['v1', 'v2']) {
      const created = await api('POST', '/v1/models/ranker/versions', project.keys.owner.key, { version, artifactDigest: `sha256:${'ab'.repeat(32)}` });
      assert.equal(created.status, 201, created.text);
    }
    const again = await api('POST', '/v1/models/ranker/versions', project.keys.owner.key, { version: 'v1' });
    assert.equal(again.status, 409, again.text);
    const promote = (version: string, lifecycle: string) => api('PATCH', `/v1/models/ranker/versions/${version}`, project.keys.owner.key, { lifecycle });
    assert.equal((await promote('v1', 'production')).status, 200);
    assert.equal((await promote('v2', 'approved')).status, 200);
    const backwards = await promote('v1', 'approved');
    assert.equal((await promote('v2', 'production')).status, 200);

    const versions = await api('GET', '/v1/models/ranker/versions', project.keys.ci.key);
    assert.equal(backwards.status, 409);
    assert.deepEqual(
      (versions.body.items as Array<{ version: string; lifecycle: string }>).map((v) => [v.version, v.lifecycle]),
      [['v1', 'retired'], ['v2', 'production']],
    );
  });

  it('keeps a price catalog per project', async () => {
    const put = await api('PUT', '/v1/prices', project.keys.owner.key, {
      prices: [{ provider: 'anthropic', model: 'claude-sonnet', inputPerMillion: 3, cachedInputPerMillion: 0.3, outputPerMillion: 15 }],
    });
    const mine = await api('GET', '/v1/prices', project.keys.auditor.key);
    const theirs = await api('GET', '/v1/prices', other.keys.auditor.key);
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(mine.body.items, [{ provider: 'anthropic', model: 'claude-sonnet', inputPerMillion: 3, cachedInputPerMillion: 0.3, outputPerMillion: 15 }]);
    assert.deepEqual(theirs.body.items, []);
  });
});
