import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { removeEmbeddedPostgres } from './embedded-postgres.js';

async function listening(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function dataDirWithCluster(): string {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-reset-'));
  fs.mkdirSync(path.join(dataDir, 'postgres', 'data'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'postgres', 'data', 'PG_VERSION'), '18\n');
  fs.writeFileSync(path.join(dataDir, 'signing-key.pem'), 'kept');
  return dataDir;
}

describe(removeEmbeddedPostgres.name, () => {
  it('removes the cluster directory and nothing else of the data directory', async () => {
    const dataDir = dataDirWithCluster();
    const free = await listening();
    await free.close();
    try {
      const sut = await removeEmbeddedPostgres(dataDir, free.port);
      assert.equal(sut.removed, path.join(dataDir, 'postgres'));
      assert.equal(fs.existsSync(path.join(dataDir, 'postgres')), false);
      assert.equal(fs.readFileSync(path.join(dataDir, 'signing-key.pem'), 'utf8'), 'kept');
      assert.deepEqual(await removeEmbeddedPostgres(dataDir, free.port), { removed: null });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses while something answers on the cluster port, leaving the files in place', async () => {
    const dataDir = dataDirWithCluster();
    const busy = await listening();
    try {
      await assert.rejects(removeEmbeddedPostgres(dataDir, busy.port), new RegExp(`an embedded PostgreSQL is running on port ${busy.port}`));
      assert.equal(fs.readFileSync(path.join(dataDir, 'postgres', 'data', 'PG_VERSION'), 'utf8'), '18\n');
    } finally {
      await busy.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
