import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUILT_IN_SIGNAL_NAMES } from '@assay/otlp';
import { call, createKey, eventually, startTestAssay, type TestAssay } from '@assay/testing';

interface Snippet {
  language: string;
  file: string | null;
  code: string;
}

// The README's tested blocks are the fenced blocks right after a `<!-- walkthrough -->` comment
// (`<!-- walkthrough file=NAME -->` writes the block to NAME instead of running it).
function walkthroughSnippets(markdown: string): Snippet[] {
  const pattern = /<!-- walkthrough(?: file=([\w.-]+))? -->\n```(\w+)\n([\s\S]*?)\n```/g;
  return [...markdown.matchAll(pattern)].map((m) => ({ file: m[1] ?? null, language: m[2]!, code: m[3]! }));
}

function signalTable(markdown: string): string[] {
  const table = /<!-- built-in-signals -->\n([\s\S]*?)<!-- \/built-in-signals -->/.exec(markdown);
  assert.ok(table, 'the README has a built-in signals table between its markers');
  return [...table[1]!.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

const README = fs.readFileSync('README.md', 'utf8');

describe('README', () => {
  it('lists exactly the built-in signals the ingest extracts', () => {
    const derived = ['cost_usd', 'energy_wh', 'co2e_g', 'eval.<name>.score', 'eval.<name>.label'];
    assert.deepEqual(new Set(signalTable(README)), new Set([...BUILT_IN_SIGNAL_NAMES, ...derived]));
  });

  it('keeps the quickstart commands .ci/run relies on', () => {
    assert.match(README, /^npm ci && npm run demo {3}#/m);
    assert.match(README, /^npm ci && npm test {7}#/m);
    assert.match(fs.readFileSync('.ci/run', 'utf8'), /^npm ci && npm test$/m);
  });

  it('links only to docs pages that exist', () => {
    const links = [...README.matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1]!);
    assert.ok(links.length >= 10, `${links.length} links to docs/`);
    for (const link of links) assert.ok(fs.existsSync(link), link);
  });
});

describe('README: your own model in five minutes', () => {
  let assay: TestAssay;
  const workDir = fs.mkdtempSync(path.resolve('dist', 'readme-walkthrough-'));
  const tools = ['bash', 'curl', 'jq'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);

  before(async () => {
    assay = await startTestAssay();
  });
  after(async () => {
    await assay.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('runs every walkthrough block as written, and each call does what the text says', { skip: tools.length > 0 ? `needs ${tools.join(', ')}` : false }, async () => {
    const snippets = walkthroughSnippets(README);
    assert.ok(snippets.length >= 9, `${snippets.length} walkthrough blocks`);
    for (const file of snippets.filter((s) => s.file)) fs.writeFileSync(path.join(workDir, file.file!), `${file.code}\n`);
    const script = snippets.filter((s) => !s.file).map((s) => {
      assert.equal(s.language, 'sh');
      return s.code;
    }).join('\n\n');
    fs.writeFileSync(path.join(workDir, 'walkthrough.sh'), `${script}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, ASSAY_URL: assay.apiUrl, ASSAY_INGEST: assay.ingestUrl, ADMIN_KEY: assay.adminKey };
    for (const name of Object.keys(env)) if (name.startsWith('OTEL_')) delete env[name];
    const run = await runScript(path.join(workDir, 'walkthrough.sh'), workDir, env);
    assert.equal(run.code, 0, `the walkthrough failed:\n${run.stderr}\n${run.stdout}`);
    assert.match(run.stdout, /sent 200 inference spans/);
    assert.match(run.stdout, /"sampleCount": 200/);
    assert.match(run.stdout, /"secret": "whsec_/);

    const projects = await call<{ items: Array<{ id: string; name: string }> }>('GET', `${assay.apiUrl}/v1/projects`, { key: assay.adminKey });
    const project = projects.body.items.find((p) => p.name === 'support-team');
    assert.ok(project, 'the walkthrough created its project');
    const owner = (await createKey(assay, assay.adminKey, project.id, 'owner')).key;
    const get = async <T>(route: string): Promise<T> => {
      const response = await call<T>('GET', `${assay.apiUrl}${route}`, { key: owner });
      assert.equal(response.status, 200, `${route}: ${response.text}`);
      return response.body;
    };
    const keys = await get<{ items: Array<{ role: string; name: string }> }>('/v1/keys');
    assert.deepEqual(keys.items.filter((k) => k.name !== 'owner-key').map((k) => `${k.role}:${k.name}`).sort(), ['ingest:support-app', 'owner:me']);
    const samples = await get<{ sampled: number; items: Array<{ version: string; signals: Record<string, unknown> }> }>('/v1/models/gpt-4o-mini/samples?limit=1');
    assert.equal(samples.sampled, 200);
    assert.equal(samples.items[0]!.version, 'v1');
    assert.equal(samples.items[0]!.signals.response_model, 'gpt-4o-mini-2024-07-18');
    const baselines = await get<{ items: Array<{ version: string; sampleCount: number }> }>('/v1/models/gpt-4o-mini/baselines');
    assert.deepEqual(baselines.items.map((b) => [b.version, b.sampleCount]), [['v1', 200]]);
    const subscriptions = await get<{ items: Array<{ name: string; url: string; models: string[]; severities: string[] }> }>('/v1/subscriptions');
    assert.deepEqual(subscriptions.items.map((s) => [s.name, s.url, s.models, s.severities]), [['ml-oncall', 'https://hooks.example.com/assay', ['gpt-4o-mini'], ['critical']]]);

    const status = await eventually(async () => {
      const body = await get<{ monitors: Array<{ monitor: { name: string; scheduleSeconds: number }; latest: { verdict: string } | null }> }>('/v1/models/gpt-4o-mini/status');
      return body.monitors.every((m) => m.latest) ? body : null;
    }, 30_000, 250);
    assert.deepEqual(
      status.monitors.map((m) => [m.monitor.name, m.monitor.scheduleSeconds, m.latest!.verdict]).sort(),
      [['latency p95', 300, 'ok'], ['output length', 300, 'ok']],
    );
  });
});

function runScript(file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
