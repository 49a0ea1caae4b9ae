import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '@assay/db';
import { freePort } from '@assay/testing';

describe(startEmbeddedPostgres.name, () => {
  // Inside the project, under a data directory made private the way an earlier start's signing key makes it.
  const dataDir = path.resolve('.assay', `embedded-${randomBytes(4).toString('hex')}`);
  // As root in a checkout the postgres user cannot reach, the cluster is placed outside it: remove it there too.
  let relocatedCluster: string | null = null;
  after(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (relocatedCluster) fs.rmSync(relocatedCluster, { recursive: true, force: true });
  });

  it('starts its cluster under a data directory another start left private (0700)', async () => {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dataDir, 0o700);

    const database = await startEmbeddedPostgres(dataDir, await freePort(), () => undefined);
    if (database.clusterDir && !database.clusterDir.startsWith(dataDir + path.sep)) relocatedCluster = path.dirname(database.clusterDir);
    try {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ answer: number }>('SELECT 6 * 7 AS answer');
      await client.end();
      assert.equal(rows[0].answer, 42);
    } finally {
      await database.stop();
    }
    // Others may pass through, not list; the owner keeps the rest.
    assert.equal(fs.statSync(dataDir).mode & 0o777, process.getuid?.() === 0 ? 0o701 : 0o700);
  });
});
