import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ed25519Signer, leafHash, openStatement, PredicateType } from '@assay/provenance';
import {
  GenAiTraffic, call, eventually, installPackedCli, normal, seedProject, seededRandom, spawnAssay, startTestAssay, uniqueName,
  type SeededProject, type TestAssay,
} from '@assay/testing';

interface Reason {
  check: string;
  kind: string;
  signal: string | null;
  outcome: string;
  reason: string;
  summary?: string;
}

interface Decision {
  id: string;
  decision: 'pass' | 'fail' | 'insufficient';
  reasons: Reason[];
  envelope: unknown;
  promoted: boolean;
  replayed: boolean;
  ledgerIndex: number;
  baselineId: string | null;
}

describe('promotion gates, end to end', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let other: SeededProject;
  let traffic: GenAiTraffic;
  let keys: Array<{ keyId: string; publicKeyPem: string }>;
  let baselineId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-gate-'));
  const model = uniqueName('gated-bot');
  const random = seededRandom(7);
  const shape = (version: string) => ({
    model,
    version,
    inputTokens: normal(random, 120, 15),
    outputTokens: normal(random, 200, 20),
    latencyMs: normal(random, 800, 80),
    finishReason: () => 'stop',
    faithfulness: normal(random, 0.9, 0.03),
  });

  const api = (p: string): string => `${assay.apiUrl}${p}`;
  const owner = (): string => project.keys.owner.key;
  const ci = (): string => project.keys.ci.key;

  async function sampled(version: string): Promise<number> {
    return (await call<{ sampled: number }>('GET', api(`/v1/models/${model}/samples?limit=1&version=${version}`), { key: owner() })).body.sampled;
  }

  async function evaluate(body: Record<string, unknown>, key = ci(), headers: Record<string, string> = {}) {
    return call<Decision>('POST', api('/v1/gates/evaluate'), { key, json: { model, ...body }, headers });
  }

  function gateCli(args: string[]): Promise<{ code: number | null; output: string }> {
    const child = spawnAssay(['gate', '--model', model, '--url', assay.apiUrl, '--key', ci(), ...args], { ...process.env, ASSAY_KEY: '', ASSAY_URL: '' });
    return child.exited.then((code) => ({ code, output: child.output() }));
  }

  before(async () => {
    assay = await startTestAssay();
    project = await seedProject(assay);
    other = await seedProject(assay);
    traffic = new GenAiTraffic(assay.ingestUrl, project.keys.ingest.key);
    assert.equal((await call('POST', api('/v1/models'), { key: owner(), json: { name: model } })).status, 201);
    for (const [version, lifecycle] of [['v1', 'production'], ['v2', 'candidate'], ['v3', 'candidate']] as const) {
      const created = await call('POST', api(`/v1/models/${model}/versions`), { key: owner(), json: { version, lifecycle } });
      assert.equal(created.status, 201, created.text);
    }
    const start = new Date(Date.now() - 60_000);
    traffic.emit(shape('v1'), 400);
    traffic.emit(shape('v2'), 300);
    traffic.emit({ ...shape('v3'), outputTokens: normal(random, 330, 25), faithfulness: normal(random, 0.6, 0.05) }, 300);
    await traffic.flush();
    await eventually(async () => (await sampled('v1')) >= 400 && (await sampled('v2')) >= 300 && (await sampled('v3')) >= 300, 20_000);
    const baseline = await call<{ id: string }>('POST', api(`/v1/models/${model}/baselines`), {
      key: owner(),
      json: { version: 'v1', from: start.toISOString(), to: new Date(Date.now() + 1000).toISOString() },
    });
    assert.equal(baseline.status, 201, baseline.text);
    baselineId = baseline.body.id;
    const window = { type: 'count', samples: 200 };
    for (const signal of ['output_tokens', 'eval.faithfulness.score']) {
      const monitor = await call('POST', api(`/v1/models/${model}/monitors`), {
        key: owner(),
        json: { name: signal, signal, method: 'ks', window, minSamples: 50, scheduleSeconds: 3600 },
      });
      assert.equal(monitor.status, 201, monitor.text);
    }
    const policy = await call('POST', api(`/v1/models/${model}/policies`), {
      key: owner(),
      json: { name: 'latency', rule: 'p95(latency_ms) <= 1500', window, minSamples: 50, scheduleSeconds: 3600 },
    });
    assert.equal(policy.status, 201, policy.text);
    const gatePolicy = await call('PUT', api(`/v1/models/${model}/gate-policy`), {
      key: owner(),
      json: { requiredScores: { 'eval.faithfulness.score': { min: 0.8 } }, minSamples: 100 },
    });
    assert.equal(gatePolicy.status, 200, gatePolicy.text);
    keys = (await call<{ keys: Array<{ keyId: string; publicKeyPem: string }> }>('GET', api('/v1/signing-keys'), { key: ci() })).body.keys;
  });

  after(async () => {
    if (process.env.GATE_DEBUG) fs.writeFileSync(process.env.GATE_DEBUG, assay.logs.join('\n'));
    await traffic?.shutdown();
    await assay?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes a candidate that behaves like the baseline, with a signed decision in the ledger', async () => {
    const response = await evaluate({ candidate: 'v2' });
    assert.equal(response.status, 200, response.text);
    const decision = response.body;
    assert.equal(decision.decision, 'pass', JSON.stringify(decision.reasons, null, 1));
    assert.equal(decision.baselineId, baselineId);
    assert.deepEqual(
      decision.reasons.map((r) => [r.check, r.outcome]).sort(),
      [
        ['drift:eval.faithfulness.score', 'pass'],
        ['drift:output_tokens', 'pass'],
        ['policy:p95(latency_ms) <= 1500', 'pass'],
        ['score:mean(eval.faithfulness.score) >= 0.8', 'pass'],
      ],
    );
    const statement = openStatement(decision.envelope, keys, { predicateType: PredicateType.TestResult });
    const predicate = statement.predicate as { result: string; failedTests: string[]; assay: { decisionId: string; decision: string; candidate: string } };
    assert.equal(predicate.result, 'PASSED');
    assert.deepEqual(predicate.failedTests, []);
    assert.deepEqual([predicate.assay.decisionId, predicate.assay.decision, predicate.assay.candidate], [decision.id, 'pass', 'v2']);
    assert.equal(statement.subject[0]!.name, `model:${model}@v2`);

    const entry = await call<{ kind: string; entry: string; leafHash: string }>('GET', api(`/v1/ledger/entries/${decision.ledgerIndex}?treeSize=${decision.ledgerIndex + 1}`), {
      key: project.keys.auditor.key,
    });
    assert.equal(entry.status, 200, entry.text);
    assert.equal(entry.body.kind, 'gate_decision');
    assert.equal(entry.body.leafHash, Buffer.from(leafHash(Buffer.from(entry.body.entry, 'utf8'))).toString('hex'));
    const recorded = JSON.parse(entry.body.entry) as { subject: string; body: { decision: string; candidate: string; statementDigest: string } };
    assert.equal(recorded.subject, `gate_decision:${decision.id}`);
    assert.deepEqual([recorded.body.decision, recorded.body.candidate], ['pass', 'v2']);
  });

  it('fails a drifted candidate and names the drifted signals in its reasons', async () => {
    const response = await evaluate({ candidate: 'v3' });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.decision, 'fail');
    const failed = response.body.reasons.filter((r) => r.outcome === 'fail');
    assert.deepEqual(failed.map((r) => r.check).sort(), ['drift:eval.faithfulness.score', 'drift:output_tokens', 'score:mean(eval.faithfulness.score) >= 0.8']);
    assert.match(failed.find((r) => r.check === 'drift:output_tokens')!.reason, /output_tokens drifted/);
    assert.match(failed.find((r) => r.check === 'drift:output_tokens')!.summary!, /^output_tokens: median [\d,]+ → [\d,]+ tokens \([+-][\d.]+%\), p95 [\d,]+ → [\d,]+ tokens.*; drift \([\d,]+ baseline vs [\d,]+ current values\)$/);
    assert.equal(response.body.reasons.find((r) => r.check.startsWith('policy:'))!.outcome, 'pass');
    const statement = openStatement(response.body.envelope, keys);
    assert.equal((statement.predicate as { result: string }).result, 'FAILED');
  });

  it('says insufficient when the evidence is too small, and checks an uploaded evaluation set', async () => {
    const tiny = await evaluate({ candidate: 'v2', evaluationSet: { format: 'csv', content: 'output_tokens,eval.faithfulness.score\n200,0.9\n210,0.91\n' } });
    assert.equal(tiny.status, 200, tiny.text);
    assert.equal(tiny.body.decision, 'insufficient');
    assert.match(tiny.body.reasons.find((r) => r.check === 'evidence')!.reason, /2 samples; the gate needs at least 100/);

    const rows = Array.from({ length: 150 }, () => ({ output_tokens: Math.round(normal(random, 200, 20)()), 'eval.faithfulness.score': normal(random, 0.9, 0.03)(), latency_ms: normal(random, 800, 80)() }));
    const uploaded = await evaluate({ candidate: 'v2', evaluationSet: { format: 'json', content: { samples: rows } } });
    assert.equal(uploaded.status, 200, uploaded.text);
    assert.equal(uploaded.body.decision, 'pass', JSON.stringify(uploaded.body.reasons));
  });

  it('the CLI exits 0 on pass, 1 on fail, 2 on insufficient, and writes a verifiable decision', async () => {
    const passOut = path.join(dir, 'pass.dsse.json');
    const pass = await gateCli(['--candidate', 'v2', '--out', passOut]);
    assert.equal(pass.code, 0, pass.output);
    assert.match(pass.output, /v2 → PASS/);
    assert.match(pass.output, /PASS\s+drift:output_tokens/);
    const written = JSON.parse(fs.readFileSync(passOut, 'utf8')) as unknown;
    assert.equal((openStatement(written, keys).predicate as { result: string }).result, 'PASSED');

    const fail = await gateCli(['--candidate', 'v3', '--out', path.join(dir, 'fail.dsse.json')]);
    assert.equal(fail.code, 1, fail.output);
    assert.match(fail.output, /FAIL\s+drift:output_tokens/);
    assert.match(fail.output, /RESULT\s+CHECK\s+STATISTIC\s+P-VALUE\s+THRESHOLD\s+REASON/);
    assert.match(fail.output, /FAIL\s+drift:output_tokens\s+[\d.e-]+\s+[\d.e-]+\s+≥ 0\.05\s+output_tokens: median .*KS D = [\d.]+ ≥ 0\.05, p = [\d.e-]+ ≤ α = 0\.01/);

    const evidence = path.join(dir, 'tiny.jsonl');
    fs.writeFileSync(evidence, '{"output_tokens": 200}\n{"output_tokens": 190}\n');
    const insufficient = await gateCli(['--candidate', 'v2', '--evidence', evidence, '--out', path.join(dir, 'tiny.dsse.json')]);
    assert.equal(insufficient.code, 2, insufficient.output);
    assert.match(insufficient.output, /INSUFFICIENT/);

    const unknown = await gateCli(['--candidate', 'v9']);
    assert.equal(unknown.code, 3, unknown.output);
    assert.match(unknown.output, /not found \(404\)/);
  });

  it('enforces roles and hides other projects', async () => {
    assert.equal((await evaluate({ candidate: 'v2' }, project.keys.auditor.key)).status, 403);
    assert.equal((await evaluate({ candidate: 'v2' }, other.keys.ci.key)).status, 404);
    assert.equal((await call('PUT', api(`/v1/models/${model}/gate-policy`), { key: ci(), json: { minSamples: 1 } })).status, 403);
    assert.equal((await evaluate({ candidate: 'v2', baselineId: '00000000-0000-4000-8000-000000000000' })).status, 404);
  });

  it('the packed CLI, installed where there is no checkout or server, gates and verifies saved decisions offline with the documented exit codes', async () => {
    const cli = installPackedCli();
    const gate = (args: string[], options: { env?: NodeJS.ProcessEnv; pipeTo?: string } = {}) =>
      cli.run(['gate', '--model', model, ...args], { ...options, env: { ASSAY_URL: assay.apiUrl, ASSAY_KEY: ci(), ...options.env } });
    const keyFile = path.join(cli.dir, 'assay.pub.pem');
    fs.writeFileSync(keyFile, keys[0]!.publicKeyPem);
    const otherKey = path.join(cli.dir, 'other.pub.pem');
    fs.writeFileSync(otherKey, Ed25519Signer.generate().publicKeyPem);

    assert.deepEqual([(await cli.run(['--help'])).code, (await cli.run(['gate', '--help'])).code, (await cli.run(['verify', '--help'])).code], [0, 0, 0]);
    const pass = await gate(['--candidate', 'v2', '--out', 'pass.json']);
    assert.equal(pass.code, 0, pass.stderr);
    const fail = await gate(['--candidate', 'v3', '--out', 'fail.json']);
    assert.equal(fail.code, 1, fail.stderr);
    fs.writeFileSync(path.join(cli.dir, 'tiny.jsonl'), '{"output_tokens": 200}\n');
    const insufficient = await gate(['--candidate', 'v2', '--evidence', 'tiny.jsonl', '--out', 'tiny.json']);
    assert.equal(insufficient.code, 2, insufficient.stderr);

    const verified = async (args: string[]) => cli.run(['verify', ...args, '--key', keyFile]);
    for (const [file, code, decision] of [['pass.json', 0, 'PASS'], ['fail.json', 1, 'FAIL'], ['tiny.json', 2, 'INSUFFICIENT']] as const) {
      for (const args of [['gate', file], [file]]) {
        const result = await verified(args);
        assert.equal(result.code, code, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
        assert.match(result.stdout, new RegExp(`${model} v[23] → ${decision} at .*\\n.*signature valid \\(key ${keys[0]!.keyId}\\); subject model:${model}@v[23] sha256:[0-9a-f]{64}[\\s\\S]*VALID, decision ${decision}\\n$`));
      }
    }
    const saved = JSON.parse(fs.readFileSync(path.join(cli.dir, 'fail.json'), 'utf8')) as { payload: string };
    const forged = { ...saved, payload: Buffer.from(Buffer.from(saved.payload, 'base64').toString('utf8').replace('"decision":"fail"', '"decision":"pass"').replace('"FAILED"', '"PASSED"')).toString('base64') };
    fs.writeFileSync(path.join(cli.dir, 'forged.json'), JSON.stringify(forged));
    const tampered = await verified(['forged.json']);
    assert.deepEqual([tampered.code, /^INVALID: /.test(tampered.stderr)], [1, true], tampered.stderr);
    const wrongSigner = await cli.run(['verify', 'gate', 'pass.json', '--key', otherKey]);
    assert.deepEqual([wrongSigner.code, /^INVALID: /.test(wrongSigner.stderr)], [1, true], wrongSigner.stderr);
    const report = await verified(['report', 'pass.json']);
    assert.deepEqual([report.code, /^INVALID: predicateType is https:\/\/in-toto.io\/attestation\/test-result\/v0.1/.test(report.stderr)], [1, true], report.stderr);
    const online = await cli.run(['verify', 'pass.json', '--keys-url', `${assay.apiUrl}/v1/signing-keys`, '--api-key', project.keys.auditor.key]);
    assert.equal(online.code, 0, online.stderr);

    const refusedKey = await gate(['--candidate', 'v2'], { env: { ASSAY_KEY: 'assay_nope' } });
    assert.equal(refusedKey.code, 3, refusedKey.stderr);
    assert.match(refusedKey.stderr, /^assay gate: the key was refused \(401\)/);
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await gate(['--candidate', 'v2'], { env: { ASSAY_URL: `http://127.0.0.1:${deadPort}` } });
    assert.equal(unreachable.code, 3, unreachable.stderr);
    assert.equal(unreachable.stderr, `assay gate: cannot reach http://127.0.0.1:${deadPort}: connection refused (is Assay running there, and is the URL right?)\n`);
    const missing = await cli.run(['verify', 'gate', 'nowhere.json', '--key', keyFile]);
    assert.deepEqual([missing.code, missing.stderr], [3, 'assay verify gate: cannot read nowhere.json: no such file\n']);

    for (const [candidate, code] of [['v2', 0], ['v3', 1]] as const) {
      const piped = await gate(['--candidate', candidate, '--out', `piped-${candidate}.json`], { pipeTo: 'true' });
      assert.equal(piped.code, code, piped.stderr);
      assert.doesNotMatch(piped.stderr, /EPIPE|Unhandled|at /);
    }

    const first = await gate(['--candidate', 'v2', '--idempotency-key', 'packed-cli-1', '--out', 'first.json']);
    const replayed = await gate(['--candidate', 'v2', '--idempotency-key', 'packed-cli-1', '--out', 'again.json']);
    assert.deepEqual([first.code, replayed.code], [0, 0]);
    assert.doesNotMatch(first.stdout, /replayed/);
    assert.match(replayed.stdout, /^replayed: decision \S+ was made at \S+ for the same idempotency key \(packed-cli-1\); nothing was evaluated or promoted again$/m);
    assert.ok(!fs.existsSync(path.join(cli.dir, 'node_modules', 'assay-cli', 'node_modules')), 'the package has no dependencies');
  });

  it('promotes on pass once per idempotency key, and refuses the key with another body', async () => {
    assert.equal((await evaluate({ candidate: 'v2', promote: true })).status, 400);
    const first = await evaluate({ candidate: 'v2', promote: true }, ci(), { 'idempotency-key': 'release-42' });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual([first.body.decision, first.body.promoted, first.body.replayed], ['pass', true, false]);
    const versions = await call<{ items: Array<{ version: string; lifecycle: string }> }>('GET', api(`/v1/models/${model}/versions`), { key: owner() });
    const lifecycle = Object.fromEntries(versions.body.items.map((v) => [v.version, v.lifecycle]));
    assert.deepEqual([lifecycle.v1, lifecycle.v2], ['retired', 'production']);

    const replay = await evaluate({ candidate: 'v2', promote: true }, ci(), { 'idempotency-key': 'release-42' });
    assert.equal(replay.status, 200, replay.text);
    assert.deepEqual([replay.body.id, replay.body.replayed, replay.body.promoted], [first.body.id, true, true]);
    assert.deepEqual(replay.body.envelope, first.body.envelope);

    const conflict = await evaluate({ candidate: 'v3', promote: true }, ci(), { 'idempotency-key': 'release-42' });
    assert.equal(conflict.status, 409, conflict.text);

    const again = await evaluate({ candidate: 'v2', promote: true, baselineId }, ci(), { 'idempotency-key': 'release-43' });
    assert.equal(again.status, 409, again.text);
    assert.match(again.text, /production/);
  });
});
