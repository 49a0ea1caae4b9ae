import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createRootLogger } from '@assay/common';
import { SamplingCaps } from '@assay/ingest';
import type { CapDemand } from '@assay/models';
import { freePort, uniqueName } from '@assay/testing';

describe(SamplingCaps.name, () => {
  const logs: string[] = [];
  const logger = createRootLogger('info', new Writable({ write: (chunk: Buffer, _encoding, done) => (logs.push(chunk.toString()), done()) }));
  const opened: SamplingCaps[] = [];
  const replica = (redisUrl: string, prefix: string): SamplingCaps => {
    const caps = new SamplingCaps({ redisUrl, prefix, consume: 'none', concurrency: 1 }, logger);
    opened.push(caps);
    return caps;
  };
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  const demand = (version: string, wanted: number, minuteMs = minute): CapDemand => ({ modelId: 'model-1', version, minuteMs, maxPerMinute: 5, wanted });

  after(() => opened.forEach((caps) => caps.onModuleDestroy()));

  it('shares each cap between replicas, per version and minute, and takes back released room', async () => {
    const prefix = uniqueName('caps');
    const [a, b] = [replica(process.env.REDIS_URL!, prefix), replica(process.env.REDIS_URL!, prefix)];

    assert.deepEqual((await a.grant([demand('v1', 3), demand('v2', 1)])).granted, [3, 1]);
    const second = await b.grant([demand('v1', 3), demand('v2', 1), demand('v1', 9, minute + 60_000)]);
    assert.deepEqual(second.granted, [2, 1, 5]);
    assert.deepEqual((await a.grant([demand('v1', 1)])).granted, [0]);

    await second.release();
    assert.deepEqual((await a.grant([demand('v1', 4), demand('v2', 4), demand('v1', 1, minute + 60_000)])).granted, [2, 4, 1]);
    assert.deepEqual((await replica(process.env.REDIS_URL!, `${prefix}-other`).grant([demand('v1', 5)])).granted, [5]);
  });

  it('counts in its own process while Redis cannot be reached, and says so once', async () => {
    const caps = replica(`redis://127.0.0.1:${await freePort()}`, uniqueName('caps'));
    const first = await caps.grant([demand('v1', 4)]);
    assert.deepEqual(first.granted, [4]);
    assert.deepEqual((await caps.grant([demand('v1', 4)])).granted, [1]);
    await first.release();
    assert.deepEqual((await caps.grant([demand('v1', 9)])).granted, [4]);
    assert.equal(logs.filter((line) => line.includes('sampling caps are counted in this process')).length, 1);
  });
});
