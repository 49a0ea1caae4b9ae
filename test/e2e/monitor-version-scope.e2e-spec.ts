import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  GenAiTraffic, call, eventually, normal, seedProject, seededRandom, startTestAssay, uniqueName,
  type SeededProject, type TestAssay,
} from '@assay/testing';

interface CheckRun {
  verdict: string;
  reason: string;
  trigger: string;
  windowTo: string;
  nCurrent: number;
  version: string | null;
  versionScope: string | null;
  versions: string[] | null;
}

describe('monitor version scope: production by default, all or a list when asked', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let traffic: GenAiTraffic;
  const model = uniqueName('scoped-bot');
  const random = seededRandom(7);
  const production = {
    model,
    version: 'v1',
    inputTokens: normal(random, 120, 15),
    outputTokens: normal(random, 200, 20),
    latencyMs: normal(random, 800, 80),
    finishReason: () => 'stop',
  };
  // The candidate's shadow traffic: much longer answers, much slower.
  const candidate = { ...production, version: 'v2', outputTokens: normal(random, 420, 30), latencyMs: normal(random, 2400, 150) };

  const owner = (): string => project.keys.owner.key;
  const api = (path: string): string => `${assay.apiUrl}${path}`;

  async function sampled(): Promise<number> {
    return (await call<{ sampled: number }>('GET', api(`/v1/models/${model}/samples?limit=1`), { key: owner() })).body.sampled;
  }

  async function create(kind: 'monitors' | 'policies', json: Record<string, unknown>): Promise<{ id: string; versions: unknown }> {
    const window = { type: 'count', samples: 200 };
    const response = await call<{ id: string; versions: unknown }>('POST', api(`/v1/models/${model}/${kind}`), {
      key: owner(),
      json: { window, minSamples: 100, scheduleSeconds: 86_400, ...json },
    });
    assert.equal(response.status, 201, response.text);
    return response.body;
  }

  async function runNow(kind: 'monitors' | 'policies', id: string): Promise<CheckRun> {
    const requested = new Date(Date.now() - 1000);
    const accepted = await call('POST', api(`/v1/${kind}/${id}/run`), { key: owner() });
    assert.equal(accepted.status, 202, accepted.text);
    return eventually(async () => {
      const runs = await call<{ items: CheckRun[] }>('GET', api(`/v1/check-runs?monitorId=${id}&limit=20`), { key: owner() });
      return runs.body.items.find((r) => r.trigger === 'manual' && new Date(r.windowTo) >= requested);
    }, 15_000, 200);
  }

  before(async () => {
    assay = await startTestAssay();
    project = await seedProject(assay);
    traffic = new GenAiTraffic(assay.ingestUrl, project.keys.ingest.key);
    assert.equal((await call('POST', api('/v1/models'), { key: owner(), json: { name: model } })).status, 201);
    for (const [version, lifecycle] of [['v1', 'production'], ['v2', 'candidate']]) {
      const created = await call('POST', api(`/v1/models/${model}/versions`), { key: owner(), json: { version, lifecycle } });
      assert.equal(created.status, 201, created.text);
    }
    const start = new Date(Date.now() - 60_000);
    // Production's traffic well before the candidate's, so that the last samples of all traffic are the candidate's.
    traffic.emit(production, 300, Date.now() - 20_000);
    await traffic.flush();
    await eventually(async () => (await sampled()) >= 300, 15_000);
    const baseline = await call('POST', api(`/v1/models/${model}/baselines`), {
      key: owner(),
      json: { version: 'v1', from: start.toISOString(), to: new Date(Date.now() + 1000).toISOString() },
    });
    assert.equal(baseline.status, 201, baseline.text);
    traffic.emit(candidate, 300);
    await traffic.flush();
    await eventually(async () => (await sampled()) >= 600, 15_000);
  });

  after(async () => {
    await traffic?.shutdown();
    await assay?.close();
  });

  it('judges only the production version by default, so the candidate’s shadow traffic raises nothing', async () => {
    const monitor = await create('monitors', { name: 'output default', signal: 'output_tokens', method: 'ks' });
    assert.equal(monitor.versions, 'production');
    const run = await runNow('monitors', monitor.id);
    assert.equal(run.verdict, 'ok', run.reason);
    assert.equal(run.nCurrent, 200);
    assert.equal(run.versionScope, 'production');
    assert.deepEqual(run.versions, ['v1']);
    assert.equal(run.version, 'v1');

    const policy = await create('policies', { name: 'latency default', rule: 'p95(latency_ms) <= 1500' });
    assert.equal(policy.versions, 'production');
    const judged = await runNow('policies', policy.id);
    assert.equal(judged.verdict, 'ok', judged.reason);
    assert.deepEqual(judged.versions, ['v1']);
  });

  it('judges every version with "all" and the listed ones with a list', async () => {
    const all = await create('monitors', { name: 'output all', signal: 'output_tokens', method: 'ks', versions: 'all' });
    assert.equal(all.versions, 'all');
    const run = await runNow('monitors', all.id);
    assert.equal(run.verdict, 'drift', run.reason);
    assert.equal(run.versionScope, 'all');
    assert.equal(run.versions, null);
    assert.equal(run.version, null);

    const listed = await create('monitors', { name: 'output v2', signal: 'output_tokens', method: 'ks', versions: ['v2'] });
    assert.deepEqual(listed.versions, ['v2']);
    const candidateRun = await runNow('monitors', listed.id);
    assert.equal(candidateRun.verdict, 'drift', candidateRun.reason);
    assert.deepEqual(candidateRun.versions, ['v2']);

    const shorthand = await create('policies', { name: 'latency v2', rule: 'p95(latency_ms) <= 1500', version: 'v2' });
    assert.deepEqual(shorthand.versions, ['v2']);
    assert.equal((await runNow('policies', shorthand.id)).verdict, 'breach');
  });

  it('changes scope on update and refuses scopes that name nothing', async () => {
    const monitor = await create('monitors', { name: 'output patched', signal: 'output_tokens', method: 'ks', versions: ['v2'] });
    const patched = await call<{ versions: unknown }>('PATCH', api(`/v1/monitors/${monitor.id}`), { key: owner(), json: { versions: 'production' } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.versions, 'production');

    const bad: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ versions: [] }, 400, /versions must be "production", "all" or a list/],
      [{ versions: 'prod' }, 400, /versions must be "production", "all" or a list/],
      [{ versions: ['v1', 7] }, 400, /versions must be/],
      [{ versions: ['nope'] }, 404, /version nope/],
      [{ versions: ['v1'], version: 'v2' }, 400, /either "versions" or "version"/],
    ];
    for (const [scope, status, message] of bad) {
      const response = await call<{ message: string | string[] }>('POST', api(`/v1/models/${model}/monitors`), {
        key: owner(),
        json: { name: uniqueName('bad'), signal: 'output_tokens', method: 'ks', window: { type: 'count', samples: 10 }, scheduleSeconds: 60, ...scope },
      });
      assert.equal(response.status, status, `${JSON.stringify(scope)}: ${response.text}`);
      assert.match([response.body.message].flat().join('; '), message);
      const update = await call('PATCH', api(`/v1/monitors/${monitor.id}`), { key: owner(), json: scope });
      assert.equal(update.status, status, `PATCH ${JSON.stringify(scope)}: ${update.text}`);
    }
  });

  it('follows a promotion: once v2 is in production, the default scope judges v2', async () => {
    const monitor = await create('monitors', { name: 'output follows', signal: 'output_tokens', method: 'ks' });
    const promoted = await call('PATCH', api(`/v1/models/${model}/versions/v2`), { key: owner(), json: { lifecycle: 'production' } });
    assert.equal(promoted.status, 200, promoted.text);
    const run = await runNow('monitors', monitor.id);
    assert.deepEqual(run.versions, ['v2']);
    // The baseline named nothing and v2 has none of its own, so v1's is the reference: v2 drifted from it.
    assert.equal(run.verdict, 'drift', run.reason);
  });

  it('judges all traffic of a model with no version in production, and says so', async () => {
    const bare = uniqueName('unpromoted-bot');
    assert.equal((await call('POST', api('/v1/models'), { key: owner(), json: { name: bare } })).status, 201);
    const created = await call<{ id: string }>('POST', api(`/v1/models/${bare}/policies`), {
      key: owner(),
      json: { name: 'latency', rule: 'p95(latency_ms) <= 1500', window: { type: 'count', samples: 50 }, minSamples: 10, scheduleSeconds: 86_400 },
    });
    assert.equal(created.status, 201, created.text);
    traffic.emit({ ...production, model: bare, version: 'v9' }, 50);
    await traffic.flush();
    const requested = new Date(Date.now() - 1000);
    await eventually(async () => {
      const run = await call<{ sampled: number }>('GET', api(`/v1/models/${bare}/samples?limit=1`), { key: owner() });
      return run.body.sampled >= 50;
    }, 15_000);
    assert.equal((await call('POST', api(`/v1/policies/${created.body.id}/run`), { key: owner() })).status, 202);
    const run = await eventually(async () => {
      const runs = await call<{ items: CheckRun[] }>('GET', api(`/v1/check-runs?monitorId=${created.body.id}&limit=5`), { key: owner() });
      return runs.body.items.find((r) => r.trigger === 'manual' && new Date(r.windowTo) >= requested);
    }, 15_000, 200);
    assert.equal(run.verdict, 'ok', run.reason);
    assert.equal(run.nCurrent, 50);
    assert.equal(run.versions, null);
    assert.match(run.reason, /no version of the model is in production, so all its traffic was judged/);
  });
});
