import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  Ed25519Signer,
  encodeCheckpointBody,
  leafHash,
  nodeHash,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '@assay/provenance';
import { call, createKey, eventually, installPackedCli, otlpChatRequest, seedProject, spawnAssay, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';
import { createLedgerDatabase, type LedgerDatabase } from '../integration/ledger-fixtures.js';

interface Checkpoint {
  treeSize: number;
  rootHash: string;
  note: string;
}
interface Entry {
  index: number;
  kind: string;
  leafHash: string;
  entry: string;
  treeSize: number;
  inclusionProof: string[];
}
interface Verification {
  valid: boolean;
  treeSize: number;
  checkpointsChecked: number;
  firstBadIndex: number | null;
  problem: string | null;
}

const ORIGIN = 'ledger.e2e.test/log';
const b64 = (text: string): Buffer => Buffer.from(text, 'base64');

describe('the ledger', () => {
  let db: LedgerDatabase;
  let assay: TestAssay;
  let alpha: SeededProject;
  let beta: SeededProject;
  let dir: string;
  let signer: Ed25519Signer;
  let keyFile: string;
  let publicKeyFile: string;

  const get = <T>(p: string, key: string) => call<T>('GET', `${assay.apiUrl}${p}`, { key });
  const checkpointOfAtLeast = (size: number): Promise<Checkpoint> =>
    eventually(async () => {
      const response = await get<Checkpoint>('/v1/ledger/checkpoint', assay.adminKey);
      return response.status === 200 && response.body.treeSize >= size ? response.body : undefined;
    }, 20_000);
  const size = async (): Promise<number> =>
    Number(((await db.dataSource.query(`SELECT size FROM ledger_head`)) as Array<{ size: string }>)[0]!.size);
  const indexOf = async (subject: string): Promise<number> =>
    Number(((await db.dataSource.query(`SELECT idx FROM ledger_entries WHERE subject = $1`, [subject])) as Array<{ idx: string }>)[0]!.idx);
  const cli = async (args: string[]): Promise<{ code: number | null; output: string }> => {
    const child = spawnAssay(args, { ...process.env, ASSAY_LOG_LEVEL: 'silent' });
    const code = await child.exited;
    return { code, output: child.output() };
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-ledger-e2e-'));
    signer = Ed25519Signer.generate();
    keyFile = path.join(dir, 'signing.pem');
    publicKeyFile = path.join(dir, 'signing.pub.pem');
    fs.writeFileSync(keyFile, signer.privateKeyPem(), { mode: 0o600 });
    fs.writeFileSync(publicKeyFile, signer.publicKeyPem);
    db = await createLedgerDatabase('ledger_e2e');
    assay = await startTestAssay({
      env: {
        DATABASE_URL: db.url,
        ASSAY_QUEUE_PREFIX: `${process.env.ASSAY_QUEUE_PREFIX ?? 'assay-test'}-ledger-${path.basename(dir)}`,
        ASSAY_SIGNING_KEY_FILE: keyFile,
        ASSAY_LEDGER_ORIGIN: ORIGIN,
        ASSAY_CHECKPOINT_INTERVAL_MS: '200',
      },
    });
    [alpha, beta] = [await seedProject(assay), await seedProject(assay)];
  });
  after(async () => {
    await assay?.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the configured public key, records it in the ledger, and never shows the private key', async () => {
    const response = await get<{ keys: Array<{ keyId: string; algorithm: string; publicKeyPem: string; retiredAt: string | null }> }>(
      '/v1/signing-keys',
      alpha.keys.auditor.key,
    );
    assert.equal(response.status, 200);
    assert.deepEqual(
      response.body.keys.map((k) => [k.keyId, k.algorithm, k.publicKeyPem, k.retiredAt]),
      [[signer.keyId, 'ed25519', signer.publicKeyPem, null]],
    );
    assert.equal((await get('/v1/signing-keys', alpha.keys.ingest.key)).status, 403);
    const [event] = (await db.dataSource.query(`SELECT kind, project_id, entry FROM ledger_entries WHERE subject = $1`, [signer.keyId])) as Array<{
      kind: string;
      project_id: string | null;
      entry: string;
    }>;
    assert.equal(event!.kind, 'signing_key');
    assert.equal(event!.project_id, null);
    assert.equal((JSON.parse(event!.entry) as { body: { event: string } }).body.event, 'published');
    const secret = signer.privateKeyPem().split('\n')[1]!;
    assert.ok(!assay.logs.some((line) => line.includes('PRIVATE KEY') || line.includes(secret)));
    assert.ok(!JSON.stringify(await db.dataSource.query(`SELECT * FROM signing_keys`)).includes('PRIVATE'));
  });

  it('signs checkpoints whose root and inclusion proofs verify, and records project and key events', async () => {
    const projectIndex = await indexOf(`project/${alpha.id}`);
    const keyIndex = await indexOf(`api-key/${alpha.keys.auditor.id}`);
    const checkpoint = await checkpointOfAtLeast(Math.max(projectIndex, keyIndex) + 1);
    const verified = verifyCheckpoint(checkpoint.note, { keyName: ORIGIN, publicKeyPem: signer.publicKeyPem, origin: ORIGIN });
    assert.equal(verified.treeSize, checkpoint.treeSize);
    assert.deepEqual(Buffer.from(verified.rootHash), b64(checkpoint.rootHash));

    for (const index of [projectIndex, keyIndex]) {
      // Pinned to the checkpoint read above: with a 200 ms interval a newer one may already be signed.
      const response = await get<Entry>(`/v1/ledger/entries/${index}?treeSize=${checkpoint.treeSize}`, alpha.keys.auditor.key);
      assert.equal(response.status, 200);
      const entry = response.body;
      assert.equal(entry.treeSize, checkpoint.treeSize);
      const leaf = leafHash(Buffer.from(entry.entry, 'utf8'));
      assert.equal(entry.leafHash, Buffer.from(leaf).toString('hex'));
      assert.ok(verifyInclusion(index, checkpoint.treeSize, leaf, entry.inclusionProof.map(b64), b64(checkpoint.rootHash)));
    }
    const project = (await get<Entry>(`/v1/ledger/entries/${projectIndex}`, alpha.keys.owner.key)).body;
    assert.equal(project.kind, 'project');
    assert.deepEqual((JSON.parse(project.entry) as { projectId: string; body: unknown }).projectId, alpha.id);
    const key = JSON.parse((await get<Entry>(`/v1/ledger/entries/${keyIndex}`, alpha.keys.ci.key)).body.entry) as { kind: string; body: Record<string, unknown> };
    assert.equal(key.kind, 'key_event');
    assert.deepEqual({ event: key.body.event, role: key.body.role }, { event: 'created', role: 'auditor' });
    assert.ok(!JSON.stringify(key).includes(alpha.keys.auditor.key));
  });

  it('serves the checkpoint as C2SP text that a signed-note verifier written from the spec accepts with the published verifier key', async () => {
    const json = await checkpointOfAtLeast(1);
    const keys = await get<{ keys: Array<{ noteVerifierKey: string; noteKeyHash: string }> }>('/v1/signing-keys', alpha.keys.ci.key);
    const response = await fetch(`${assay.apiUrl}/v1/ledger/checkpoint`, { headers: { authorization: `Bearer ${alpha.keys.auditor.key}`, accept: 'text/plain' } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; charset=utf-8/);
    const text = await response.text();
    const latest = await get<Checkpoint>('/v1/ledger/checkpoint', alpha.keys.auditor.key);
    assert.ok(text === json.note || text === latest.body.note, 'the text form is the JSON note');

    // https://github.com/C2SP/C2SP/blob/main/signed-note.md and tlog-checkpoint.md, read independently of Assay's code.
    const [vkey] = keys.body.keys.map((k) => k.noteVerifierKey);
    const [name, hashHex, material] = [vkey!.slice(0, vkey!.indexOf('+')), vkey!.split('+')[1]!, vkey!.split('+').slice(2).join('+')];
    const keyBytes = Buffer.from(material, 'base64');
    assert.equal(name, ORIGIN);
    assert.deepEqual([keyBytes.length, keyBytes[0]], [33, 0x01]);
    const expectedHash = createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`), keyBytes])).digest().subarray(0, 4);
    assert.equal(hashHex, expectedHash.toString('hex'));
    assert.equal(keys.body.keys[0]!.noteKeyHash, hashHex);
    const split = text.lastIndexOf('\n\n');
    const body = text.slice(0, split + 1);
    const signatureLines = text.slice(split + 2).split('\n').filter((line) => line !== '');
    const publicKey = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), keyBytes.subarray(1)]), format: 'der', type: 'spki' });
    const verified = signatureLines.filter((line) => {
      const match = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!match || match[1] !== name) return false;
      const signature = Buffer.from(match[2]!, 'base64');
      return signature.subarray(0, 4).equals(expectedHash) && verifySignature(null, Buffer.from(body), publicKey, signature.subarray(4));
    });
    assert.equal(verified.length, 1, text);
    const [origin, treeSize, rootHash, ...extensions] = body.slice(0, -1).split('\n');
    assert.deepEqual([origin, extensions], [ORIGIN, []]);
    assert.match(treeSize!, /^(0|[1-9][0-9]*)$/);
    assert.equal(Buffer.from(rootHash!, 'base64').length, 32);
    assert.deepEqual([Number(treeSize), rootHash], text === json.note ? [json.treeSize, json.rootHash] : [latest.body.treeSize, latest.body.rootHash]);

    const tampered = text.replace(`\n${treeSize}\n`, `\n${Number(treeSize) + 1}\n`);
    assert.ok(!verifySignature(null, Buffer.from(tampered.slice(0, tampered.lastIndexOf('\n\n') + 1)), publicKey, Buffer.from(/^\u2014 \S+ (\S+)$/.exec(signatureLines[0]!)![1]!, 'base64').subarray(4)));
    const asJson = await fetch(`${assay.apiUrl}/v1/ledger/checkpoint`, { headers: { authorization: `Bearer ${alpha.keys.auditor.key}`, accept: 'application/json, text/plain' } });
    assert.equal(((await asJson.json()) as Checkpoint).note.startsWith(`${ORIGIN}\n`), true);
  });

  it("answers 404 for another project's entries but serves ownerless ones to everyone", async () => {
    const alphaIndex = await indexOf(`project/${alpha.id}`);
    const keyEvent = await indexOf(signer.keyId);
    await checkpointOfAtLeast(alphaIndex + 1);
    assert.equal((await get(`/v1/ledger/entries/${alphaIndex}`, beta.keys.auditor.key)).status, 404);
    assert.equal((await get(`/v1/ledger/entries/${alphaIndex}`, assay.adminKey)).status, 200);
    assert.equal((await get(`/v1/ledger/entries/${keyEvent}`, beta.keys.auditor.key)).status, 200);
    assert.equal((await get(`/v1/ledger/entries/${alphaIndex}`, alpha.keys.ingest.key)).status, 403);
    assert.equal((await call('POST', `${assay.apiUrl}/v1/ledger/verify`, { key: alpha.keys.auditor.key })).status, 403);
  });

  it('creates no project, key or model, and revokes no key, whose ledger entry cannot be appended', async () => {
    // A fault in the database itself: appends whose entry text holds a listed pattern fail. Only a
    // superuser may add a trigger to a ledger table.
    const superuser = new pg.Client({ connectionString: db.superuserUrl });
    await superuser.connect();
    await superuser.query(`CREATE TABLE ledger_fault_patterns (pattern text NOT NULL)`);
    await superuser.query(`
      CREATE FUNCTION ledger_fault() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM ledger_fault_patterns WHERE position(pattern IN NEW.entry) > 0) THEN
          RAISE EXCEPTION 'injected ledger fault';
        END IF;
        RETURN NEW;
      END $$`);
    await superuser.query(`CREATE TRIGGER ledger_fault BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION ledger_fault()`);
    try {
      await superuser.query(`INSERT INTO ledger_fault_patterns VALUES ('ledger-fault-marker')`);
      const before = await size();
      const project = await call('POST', `${assay.apiUrl}/v1/projects`, { key: assay.adminKey, json: { name: 'ledger-fault-marker-project' } });
      assert.equal(project.status, 500, project.text);
      const projects = await get<{ items: Array<{ name: string }> }>('/v1/projects', assay.adminKey);
      assert.ok(projects.body.items.length >= 2);
      assert.deepEqual(projects.body.items.filter((p) => p.name === 'ledger-fault-marker-project'), []);
      const key = await call('POST', `${assay.apiUrl}/v1/keys`, { key: assay.adminKey, json: { projectId: alpha.id, role: 'auditor', name: 'ledger-fault-marker-key' } });
      assert.equal(key.status, 500, key.text);
      const keys = await get<{ items: Array<{ name: string }> }>(`/v1/keys?projectId=${alpha.id}`, assay.adminKey);
      assert.ok(keys.body.items.length >= 4);
      assert.deepEqual(keys.body.items.filter((k) => k.name === 'ledger-fault-marker-key'), []);
      const model = await call('POST', `${assay.apiUrl}/v1/models`, { key: alpha.keys.owner.key, json: { name: 'ledger-fault-marker-model' } });
      assert.equal(model.status, 500, model.text);
      assert.equal((await call('GET', `${assay.apiUrl}/v1/models/ledger-fault-marker-model`, { key: alpha.keys.owner.key })).status, 404);
      assert.equal(await size(), before);

      const kept = await createKey(assay, assay.adminKey, alpha.id, 'auditor');
      assert.equal(await size(), before + 1);
      await superuser.query(`INSERT INTO ledger_fault_patterns VALUES ($1)`, [`"revoked"`]);
      const revoked = await call('DELETE', `${assay.apiUrl}/v1/keys/${kept.id}`, { key: assay.adminKey });
      assert.equal(revoked.status, 500, revoked.text);
      assert.equal((await call('GET', `${assay.apiUrl}/v1/models`, { key: kept.key })).status, 200, 'the key still works');
      assert.match(assay.logs.join('\n'), /injected ledger fault/);
    } finally {
      await superuser.query(`DROP TRIGGER ledger_fault ON ledger_entries`);
      await superuser.query(`DROP FUNCTION ledger_fault()`);
      await superuser.query(`DROP TABLE ledger_fault_patterns`);
      await superuser.end();
    }
  });

  it('records a change of project settings, with the key that made it', async () => {
    const patched = await call('PATCH', `${assay.apiUrl}/v1/projects/${beta.id}/settings`, { key: beta.keys.owner.key, json: { autoRegisterModels: true } });
    assert.equal(patched.status, 200, patched.text);
    const [row] = (await db.dataSource.query(`SELECT entry FROM ledger_entries WHERE subject = $1 ORDER BY idx DESC LIMIT 1`, [`project/${beta.id}`])) as Array<{ entry: string }>;
    const entry = JSON.parse(row!.entry) as { kind: string; projectId: string; body: { event: string; settings: Record<string, unknown>; by: string } };
    assert.deepEqual(
      { kind: entry.kind, projectId: entry.projectId, event: entry.body.event, autoRegisterModels: entry.body.settings.autoRegisterModels, by: entry.body.by },
      { kind: 'project', projectId: beta.id, event: 'settings', autoRegisterModels: true, by: beta.keys.owner.id },
    );
  });

  it('registers models the ingest sees when the project asks for it, each with a ledger entry, and samples their spans', async () => {
    const unknown = otlpChatRequest('never-registered-model', 2);
    const refused = await call('POST', `${assay.ingestUrl}/v1/traces`, { body: unknown.body, headers: { 'content-type': 'application/json', authorization: `Bearer ${alpha.keys.ingest.key}` } });
    assert.equal(refused.status, 200, refused.text);
    assert.equal((await get(`/v1/models/never-registered-model`, alpha.keys.owner.key)).status, 404, 'not registered without the setting');

    const patched = await call('PATCH', `${assay.apiUrl}/v1/projects/${alpha.id}/settings`, { key: alpha.keys.owner.key, json: { autoRegisterModels: true } });
    assert.equal(patched.status, 200, patched.text);
    const seen = otlpChatRequest('first-seen-model', 3);
    const sent = await call('POST', `${assay.ingestUrl}/v1/traces`, { body: seen.body, headers: { 'content-type': 'application/json', authorization: `Bearer ${alpha.keys.ingest.key}` } });
    assert.equal(sent.status, 200, sent.text);
    const model = await get<{ id: string; autoRegistered: boolean }>(`/v1/models/first-seen-model`, alpha.keys.owner.key);
    assert.equal(model.status, 200, model.text);
    assert.equal(model.body.autoRegistered, true);
    const samples = await get<{ items: Array<{ spanId: string }>; seen: number; sampled: number }>(`/v1/models/first-seen-model/samples`, alpha.keys.auditor.key);
    assert.deepEqual([samples.body.seen, samples.body.items.map((i) => i.spanId).sort()], [3, [...seen.spanIds].sort()]);
    const [row] = (await db.dataSource.query(`SELECT entry FROM ledger_entries WHERE subject = $1`, [`model/${model.body.id}`])) as Array<{ entry: string }>;
    const entry = JSON.parse(row!.entry) as { kind: string; projectId: string; body: { event: string; name: string } };
    assert.deepEqual([entry.kind, entry.projectId, entry.body.event, entry.body.name], ['model', alpha.id, 'registered', 'first-seen-model']);
  });

  it('answers 400 for bad indexes and sizes and 404 past the end', async () => {
    const current = await size();
    const key = assay.adminKey;
    for (const p of ['/v1/ledger/entries/abc', '/v1/ledger/entries/-1', '/v1/ledger/entries/1e3', '/v1/ledger/entries/0?treeSize=0',
      `/v1/ledger/entries/0?treeSize=${current + 1000}`, '/v1/ledger/entries/2?treeSize=2', '/v1/ledger/consistency?from=5&to=2',
      `/v1/ledger/consistency?from=0&to=${current + 1000}`, '/v1/ledger/consistency?from=x&to=2', '/v1/ledger/consistency']) {
      assert.equal((await get(p, key)).status, 400, p);
    }
    assert.equal((await get(`/v1/ledger/entries/${current + 1000}`, key)).status, 404);
  });

  it('proves consistency from an old checkpoint to a new one, and the CLI verifies it from its state file', async () => {
    const state = path.join(dir, 'state.json');
    const old = await checkpointOfAtLeast(1);
    const first = await cli(['verify', 'ledger', '--url', assay.apiUrl, '--key', alpha.keys.auditor.key, '--state', state, '--public-key', publicKeyFile]);
    assert.equal(first.code, 0, first.output);
    const seen = (JSON.parse(fs.readFileSync(state, 'utf8')) as { logs: Record<string, { treeSize: number }> }).logs;
    const seenSize = Object.values(seen)[0]!.treeSize;
    assert.ok(seenSize >= old.treeSize);

    for (let i = 0; i < 5; i++) await createKey(assay, alpha.keys.owner.key, alpha.id, 'ci');
    const grown = await checkpointOfAtLeast(seenSize + 5);
    const proof = await get<{ proof: string[] }>(`/v1/ledger/consistency?from=${old.treeSize}&to=${grown.treeSize}`, alpha.keys.auditor.key);
    assert.equal(proof.status, 200);
    assert.ok(verifyConsistency(old.treeSize, grown.treeSize, b64(old.rootHash), b64(grown.rootHash), proof.body.proof.map(b64)));
    assert.ok(!verifyConsistency(old.treeSize, grown.treeSize, Buffer.alloc(32, 7), b64(grown.rootHash), proof.body.proof.map(b64)));

    const second = await cli(['verify', 'ledger', '--url', assay.apiUrl, '--key', alpha.keys.auditor.key, '--state', state]);
    assert.equal(second.code, 0, second.output);
    assert.match(second.output, new RegExp(`consistent with the checkpoint of size ${seenSize} `));

    const index = await indexOf(`project/${alpha.id}`);
    const entry = await cli(['verify', 'entry', String(index), '--url', assay.apiUrl, '--key', alpha.keys.auditor.key, '--public-key', publicKeyFile]);
    assert.equal(entry.code, 0, entry.output);
    assert.match(entry.output, /entry \d+ \(project\) is included/);
    const packed = installPackedCli();
    const packedEntry = await packed.run(['verify', 'entry', String(index), '--url', assay.apiUrl, '--key', alpha.keys.auditor.key, '--public-key', publicKeyFile]);
    assert.equal(packedEntry.code, 0, packedEntry.stderr);
    assert.match(packedEntry.stdout, /entry \d+ \(project\) is included[\s\S]*VALID\n$/);
    for (const expected of [/no earlier checkpoint/, /consistent with the checkpoint of size \d+/]) {
      const packedLedger = await packed.run(['verify', 'ledger', '--public-key', publicKeyFile, '--state', 'ledger-state.json'], { env: { ASSAY_URL: assay.apiUrl, ASSAY_KEY: alpha.keys.auditor.key } });
      assert.equal(packedLedger.code, 0, packedLedger.stderr);
      assert.match(packedLedger.stdout, expected);
    }
    const hidden = await cli(['verify', 'entry', String(index), '--url', assay.apiUrl, '--key', beta.keys.auditor.key]);
    assert.equal(hidden.code, 3, hidden.output);
    assert.match(hidden.output, /was not found \(404\)/);
  });

  it('has the CLI reject forged checkpoints: another key, an altered root, a fork and a rollback', async () => {
    const real = await checkpointOfAtLeast(2);
    const realKeys = (await get<unknown>('/v1/signing-keys', alpha.keys.auditor.key)).body;
    const body = (treeSize: number, rootHash: Uint8Array) => encodeCheckpointBody({ origin: ORIGIN, treeSize, rootHash });
    const intruder = Ed25519Signer.generate();
    const parsed = parseCheckpoint(real.note);
    const alteredRoot = Buffer.from(parsed.rootHash);
    alteredRoot[0]! ^= 1;
    const forgeries: Record<string, Checkpoint> = {
      'another key': { ...real, note: await signCheckpoint(body(real.treeSize, parsed.rootHash), ORIGIN, intruder) },
      'an altered root': { ...real, rootHash: alteredRoot.toString('base64'), note: real.note.replace(real.rootHash, alteredRoot.toString('base64')) },
      // Validly signed by the real key, but not an extension of what the state file saw.
      'a fork': { treeSize: real.treeSize + 3, rootHash: alteredRoot.toString('base64'), note: await signCheckpoint(body(real.treeSize + 3, alteredRoot), ORIGIN, signer) },
      'a rollback': { treeSize: 1, rootHash: '', note: '' },
    };
    const rollbackRoot = nodeHash(Buffer.alloc(32), Buffer.alloc(32));
    forgeries['a rollback'] = { treeSize: 1, rootHash: Buffer.from(rollbackRoot).toString('base64'), note: await signCheckpoint(body(1, rollbackRoot), ORIGIN, signer) };

    let served: Checkpoint = real;
    const server = http.createServer((request, response) => {
      const url = request.url ?? '';
      const send = (status: number, value: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (url === '/v1/ledger/checkpoint') return send(200, served);
      if (url === '/v1/signing-keys') return send(200, realKeys);
      if (url.startsWith('/v1/ledger/consistency')) return void fetch(`${assay.apiUrl}${url.replace(/to=\d+/, `to=${real.treeSize}`)}`, {
        headers: { authorization: `Bearer ${alpha.keys.auditor.key}` },
      }).then(async (r) => send(r.status, await r.json()));
      return send(404, {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const state = path.join(dir, 'forged-state.json');
      const baseline = await cli(['verify', 'ledger', '--url', url, '--key', 'k', '--state', state, '--public-key', publicKeyFile]);
      assert.equal(baseline.code, 0, baseline.output);
      const savedState = fs.readFileSync(state, 'utf8');
      for (const [name, forged] of Object.entries(forgeries)) {
        served = forged;
        const result = await cli(['verify', 'ledger', '--url', url, '--key', 'k', '--state', state]);
        assert.equal(result.code, 1, `${name}: ${result.output}`);
        assert.match(result.output, /INVALID/, name);
        assert.equal(fs.readFileSync(state, 'utf8'), savedState, `${name} must not advance the state`);
      }
      served = forgeries['another key']!;
      const pinned = await cli(['verify', 'ledger', '--url', url, '--key', 'k', '--state', path.join(dir, 'fresh.json'), '--public-key', publicKeyFile]);
      assert.equal(pinned.code, 1, pinned.output);
    } finally {
      server.close();
    }
  });

  it('names the altered index when a superuser rewrites a ledger row, however consistently', async () => {
    const verify = async (): Promise<Verification> => {
      const response = await call<Verification>('POST', `${assay.apiUrl}/v1/ledger/verify`, { key: assay.adminKey });
      assert.equal(response.status, 200);
      return response.body;
    };
    const target = await indexOf(`project/${beta.id}`);
    await checkpointOfAtLeast(target + 2);
    const clean = await verify();
    assert.equal(clean.valid, true, clean.problem ?? '');
    assert.ok(clean.checkpointsChecked >= 1);

    const superuser = new pg.Client({ connectionString: db.superuserUrl });
    await superuser.connect();
    try {
      const [original] = (await superuser.query<{ entry: string; leaf_hash: Buffer }>(`SELECT entry, leaf_hash FROM ledger_entries WHERE idx = $1`, [target])).rows;
      await assert.rejects(superuser.query(`UPDATE ledger_entries SET subject = 'x' WHERE idx = $1`, [target]), /append-only/);
      // What an attacker with superuser rights does: switch the triggers off for the session.
      await superuser.query(`SET session_replication_role = replica`);
      const forgedEntry = original!.entry.replace(beta.name, `${beta.name}-renamed`);
      await superuser.query(`UPDATE ledger_entries SET entry = $2 WHERE idx = $1`, [target, forgedEntry]);
      const naive = await verify();
      assert.deepEqual([naive.valid, naive.firstBadIndex], [false, target]);
      assert.match(naive.problem!, /no longer hashes to its stored leaf hash/);

      // Rewriting the leaf hash and its level-0 node too still leaves the signed roots.
      const forgedLeaf = Buffer.from(leafHash(Buffer.from(forgedEntry, 'utf8')));
      await superuser.query(`UPDATE ledger_entries SET leaf_hash = $2 WHERE idx = $1`, [target, forgedLeaf]);
      await superuser.query(`UPDATE ledger_nodes SET hash = $2 WHERE level = 0 AND idx = $1`, [target, forgedLeaf]);
      const careful = await verify();
      assert.equal(careful.valid, false);
      assert.ok(careful.firstBadIndex !== null && careful.firstBadIndex <= target, JSON.stringify(careful));
      assert.match(careful.problem!, /signed checkpoint/);

      await superuser.query(`UPDATE ledger_entries SET entry = $2, leaf_hash = $3 WHERE idx = $1`, [target, original!.entry, original!.leaf_hash]);
      await superuser.query(`UPDATE ledger_nodes SET hash = $2 WHERE level = 0 AND idx = $1`, [target, original!.leaf_hash]);
      assert.equal((await verify()).valid, true);
    } finally {
      await superuser.end();
    }
  });
});
