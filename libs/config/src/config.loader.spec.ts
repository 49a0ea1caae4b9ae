import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, defaultIngestThreads, loadConfig } from './config.loader.js';

describe(loadConfig.name, () => {
  it('applies the documented defaults to an empty environment', () => {
    const sut = loadConfig({}, '/srv/assay');
    assert.equal(sut.api.port, 3000);
    assert.equal(sut.ingest.port, 4318);
    assert.equal(sut.database.url, null);
    assert.equal(sut.redis.url, null);
    assert.equal(sut.dataDir, '/srv/assay/.assay');
    assert.equal(sut.worker.queues, 'all');
    assert.equal(sut.ingest.maxBodyBytes, 32 << 20);
  });

  it('plans ingest requests on threads only where two cores are left for the rest', () => {
    assert.deepEqual([1, 2, 3, 4, 6, 8, 32].map(defaultIngestThreads), [0, 0, 0, 2, 4, 4, 4]);
    assert.equal(loadConfig({ ASSAY_INGEST_THREADS: '3' }, '/srv/assay').ingest.threads, 3);
    assert.throws(() => loadConfig({ ASSAY_INGEST_THREADS: '65' }, '/srv/assay'), /ASSAY_INGEST_THREADS: must be a whole number from 0 to 64/);
  });

  it('listens on all interfaces unless ASSAY_HOST names an address or host name', () => {
    assert.equal(loadConfig({}, '/srv/assay').http.host, null);
    for (const host of ['127.0.0.1', '0.0.0.0', '::1', '::', 'localhost', 'assay-api.internal']) {
      assert.equal(loadConfig({ ASSAY_HOST: host }, '/srv/assay').http.host, host);
    }
    for (const host of ['http://127.0.0.1', '127.0.0.1:3000', 'a b', '-bad.example']) {
      assert.throws(() => loadConfig({ ASSAY_HOST: host }, '/srv/assay'), /ASSAY_HOST: must be an IP address or a host name/, host);
    }
  });

  it('reads the secrets key file and the previous ones being rotated out', () => {
    assert.deepEqual(loadConfig({}, '/srv/assay').secrets, { keyFile: null, previousKeyFiles: [] });
    assert.deepEqual(
      loadConfig({ ASSAY_SECRETS_KEY_FILE: '/run/keys/new', ASSAY_SECRETS_PREVIOUS_KEY_FILES: '/run/keys/old, /run/keys/older' }, '/srv/assay').secrets,
      { keyFile: '/run/keys/new', previousKeyFiles: ['/run/keys/old', '/run/keys/older'] },
    );
  });

  it('names every bad variable and why in one error', () => {
    let error: unknown;
    try {
      loadConfig({ REDIS_URL: 'notaurl', ASSAY_API_PORT: '70000', ASSAY_LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(
      error.problems.map((p) => p.variable),
      ['REDIS_URL', 'ASSAY_API_PORT', 'ASSAY_LOG_LEVEL'],
    );
    assert.match(error.message, /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL \(got "notaurl"\)/);
  });

  it('never echoes a database password in its message', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'mysql://app:hunter2@db/x' }),
      (e: Error) => e.message.includes('app:***@') && !e.message.includes('hunter2'),
    );
  });

  it('parses sizes with units and lists', () => {
    const sut = loadConfig({
      ASSAY_INGEST_MAX_BODY: '8MiB',
      ASSAY_WORKER_QUEUES: 'drift-check, alert-delivery',
      ASSAY_WEBHOOK_ALLOW: '127.0.0.1,localhost',
    });
    assert.equal(sut.ingest.maxBodyBytes, 8 << 20);
    assert.deepEqual(sut.worker.queues, ['drift-check', 'alert-delivery']);
    assert.deepEqual(sut.webhooks.allow, ['127.0.0.1', 'localhost']);
  });

  it('refuses a short admin key', () => {
    assert.throws(() => loadConfig({ ASSAY_ADMIN_KEY: 'short' }), /ASSAY_ADMIN_KEY: must be at least 24/);
  });
});
