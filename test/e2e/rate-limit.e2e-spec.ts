import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call, seedProject, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';

describe('per-key rate limit', () => {
  let assay: TestAssay;
  let project: SeededProject;

  before(async () => {
    assay = await startTestAssay({ apps: ['api'], env: { ASSAY_RATE_LIMIT_PER_MINUTE: '5', ASSAY_QUEUE_PREFIX: `${process.env.ASSAY_QUEUE_PREFIX}-ratelimit` } });
    project = await seedProject(assay);
  });
  after(() => assay.close());

  it('answers 429 with Retry-After past the limit, for that key only', async () => {
    const url = `${assay.apiUrl}/v1/projects`;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await call('GET', url, { key: project.keys.auditor.key })).status);
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    const limited = await call<{ message: string }>('GET', url, { key: project.keys.auditor.key });
    assert.equal(limited.status, 429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.match(limited.body.message, /too many requests/);
    assert.equal((await call('GET', url, { key: project.keys.ci.key })).status, 200);
  });

  it('does not count requests without a valid key against anyone', async () => {
    assert.equal((await call('GET', `${assay.apiUrl}/v1/projects`, { key: 'assay_ci_notakeynotakeynotakeynotakey' })).status, 401);
    assert.equal((await call('GET', `${assay.apiUrl}/healthz`)).status, 200);
  });
});
