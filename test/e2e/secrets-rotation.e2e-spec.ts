import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { SecretBox } from '@assay/alerts';
import { call, eventually, seedProject, startTestAssay, type TestAssay } from '@assay/testing';
import { WebhookReceiver } from './alert-receiver.fixture.js';

describe('rotating the webhook secrets key', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-rotation-'));
  const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
  const oldKeyFile = path.join(dir, 'old.key');
  const newKeyFile = path.join(dir, 'new.key');
  const running: TestAssay[] = [];
  let receiver: WebhookReceiver;

  before(async () => {
    fs.writeFileSync(oldKeyFile, `${oldKey.toString('base64')}\n`, { mode: 0o600 });
    fs.writeFileSync(newKeyFile, `${newKey.toString('base64')}\n`, { mode: 0o600 });
    receiver = await WebhookReceiver.start();
  });

  after(async () => {
    for (const assay of running) await assay.close();
    await receiver?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(apps: Array<'api' | 'worker'>, env: Record<string, string>): Promise<TestAssay> {
    const assay = await startTestAssay({ apps, env });
    running.push(assay);
    return assay;
  }

  it('opens secrets sealed under the previous key, seals them again under the new one at start, and keeps delivering', async () => {
    const before = await start(['api'], { ASSAY_SECRETS_KEY_FILE: oldKeyFile });
    const project = await seedProject(before);
    const created = await call<{ id: string; secret: string }>('POST', `${before.apiUrl}/v1/subscriptions`, {
      key: project.keys.owner.key,
      json: { name: 'rotated', url: receiver.url('/rotated') },
    });
    assert.equal(created.status, 201, created.text);
    const db = new pg.Client({ connectionString: before.databaseUrl });
    await db.connect();
    try {
      const stored = async (): Promise<string> =>
        (await db.query<{ secret: string }>('SELECT secret FROM subscriptions WHERE id = $1', [created.body.id])).rows[0]!.secret;
      const sealedUnderOld = await stored();
      assert.equal(new SecretBox(oldKey).open(sealedUnderOld, project.id), created.body.secret);
      await before.close();
      running.pop();

      const rotated = await start(['api', 'worker'], {
        DATABASE_URL: before.databaseUrl,
        ASSAY_SECRETS_KEY_FILE: newKeyFile,
        ASSAY_SECRETS_PREVIOUS_KEY_FILES: oldKeyFile,
      });
      const sealedUnderNew = await stored();
      assert.notEqual(sealedUnderNew, sealedUnderOld);
      assert.equal(new SecretBox(newKey).open(sealedUnderNew, project.id), created.body.secret);
      assert.throws(() => new SecretBox(oldKey).open(sealedUnderNew, project.id), /does not open/);
      assert.ok(rotated.logs.some((line) => line.includes('encrypted 1 webhook secrets again under the current secrets key')), rotated.logs.join('\n'));

      const test = await call<{ webhookId: string }>('POST', `${rotated.apiUrl}/v1/subscriptions/${created.body.id}/test`, { key: project.keys.owner.key });
      assert.equal(test.status, 202, test.text);
      const request = await eventually(async () => receiver.received.find((r) => r.path === '/rotated') ?? null, 20_000, 100);
      assert.equal(WebhookReceiver.verify<{ type: string }>(created.body.secret, request).type, 'subscription.test');
      await rotated.close();
      running.pop();

      // Once every process runs with the new key alone, nothing is left to seal again.
      const after = await start(['api'], { DATABASE_URL: before.databaseUrl, ASSAY_SECRETS_KEY_FILE: newKeyFile });
      assert.equal(await stored(), sealedUnderNew);
      assert.ok(!after.logs.some((line) => line.includes('webhook secrets')), after.logs.join('\n'));
    } finally {
      await db.end();
    }
  });

  it('starts without the previous key but says which secrets it cannot open', async () => {
    const first = await start(['api'], { ASSAY_SECRETS_KEY_FILE: oldKeyFile });
    const project = await seedProject(first);
    const created = await call('POST', `${first.apiUrl}/v1/subscriptions`, { key: project.keys.owner.key, json: { name: 'stranded', url: receiver.url('/stranded') } });
    assert.equal(created.status, 201, created.text);
    await first.close();
    running.pop();

    const wrong = await start(['api'], { DATABASE_URL: first.databaseUrl, ASSAY_SECRETS_KEY_FILE: newKeyFile });
    assert.ok(
      wrong.logs.some((line) => line.includes('1 webhook secrets open with none of the configured secrets keys')),
      wrong.logs.join('\n'),
    );
  });
});
