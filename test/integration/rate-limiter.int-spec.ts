import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '@assay/common';
import { loadConfig } from '@assay/config';
import { freePort, uniqueName } from '@assay/testing';

describe(RateLimiter.name, () => {
  const opened: RateLimiter[] = [];
  const limiter = (redisUrl: string, prefix: string): RateLimiter => {
    const config = loadConfig({ ...process.env, ASSAY_RATE_LIMIT_PER_MINUTE: '2' });
    const made = new RateLimiter(config, { redisUrl, prefix, consume: 'none', concurrency: 1 });
    opened.push(made);
    return made;
  };
  after(() => opened.forEach((l) => l.onModuleDestroy()));

  it('counts from the first request after start, shared by every replica', async () => {
    const prefix = uniqueName('limits');
    const [a, b] = [limiter(process.env.REDIS_URL!, prefix), limiter(process.env.REDIS_URL!, prefix)];
    const decisions = [await a.consume('key-1', 'api'), await b.consume('key-1', 'api'), await a.consume('key-1', 'api'), await b.consume('key-2', 'api')];
    assert.deepEqual(decisions.map((d) => d.allowed), [true, true, false, true]);
    assert.ok(decisions[2].retryAfterSeconds >= 1 && decisions[2].retryAfterSeconds <= 60);
  });

  it('lets requests through while Redis cannot be reached', async () => {
    const unreachable = limiter(`redis://127.0.0.1:${await freePort()}`, uniqueName('limits'));
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push((await unreachable.consume('key-1', 'api')).allowed);
    assert.deepEqual(decisions, [true, true, true, true]);
  });
});
