import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { GenAiTraffic, call, eventually, normal, seedProject, seededRandom, startTestAssay, type SeededProject, type TestAssay } from '@assay/testing';

const CHROMIUM = '/usr/bin/chromium';
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const MODELS = [
  { model: 'big-model', provider: 'openai', inputPerMillion: 10, outputPerMillion: 30 },
  { model: 'small-model', provider: 'anthropic', inputPerMillion: 1, outputPerMillion: 3 },
];

describe('console Tiering page in headless Chromium', { skip: !fs.existsSync(CHROMIUM) && `${CHROMIUM} is not installed (.ci/run installs it)` }, () => {
  let assay: TestAssay;
  let project: SeededProject;
  let traffic: GenAiTraffic;
  let browser: Browser;

  before(async () => {
    assay = await startTestAssay();
    project = await seedProject(assay);
    const owner = project.keys.owner.key;
    for (const m of MODELS) assert.equal((await call('POST', `${assay.apiUrl}/v1/models`, { key: owner, json: { name: m.model } })).status, 201);
    assert.equal((await call('PUT', `${assay.apiUrl}/v1/prices`, { key: owner, json: { prices: MODELS } })).status, 200);
    traffic = new GenAiTraffic(assay.ingestUrl, project.keys.ingest.key);
    const random = seededRandom(7);
    for (const m of MODELS) {
      traffic.emit({ model: m.model, version: 'v1', provider: m.provider, inputTokens: () => 800, outputTokens: () => 300, latencyMs: normal(random, 600, 40), finishReason: () => 'stop', faithfulness: normal(random, 0.9, 0.03) }, 200);
    }
    await traffic.flush();
    for (const m of MODELS) {
      await eventually(async () => (await call<{ sampled: number }>('GET', `${assay.apiUrl}/v1/models/${m.model}/samples?limit=1`, { key: owner })).body.sampled >= 200, 30_000, 200);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  });

  after(async () => {
    await browser?.close();
    await traffic?.shutdown();
    await assay?.close();
  });

  async function signIn(key: string): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      // The console has no icon: the browser's own request for one is not the page's problem.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) problems.push(`${message.text()} ${message.location().url}`);
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${assay.apiUrl}/`);
    await page.getByLabel('API key').fill(key);
    await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/console/sign-in')), page.getByRole('button', { name: 'Sign in' }).click()]);
    return { page, problems };
  }

  it('shows the journeys with their models and verdicts and the spend chart, reachable from the navigation', async () => {
    const { page, problems } = await signIn(project.keys.auditor.key);
    await Promise.all([page.waitForURL(/\/console\/tiering/), page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Tiering' }).click()]);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Tiering');
    const rows = page.locator('#tiering-journeys tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().textContent()) ?? '', /400\s*\$[\d.]+\s*big-model, small-model/);
    const verdict = rows.first().locator('li[data-verdict]');
    assert.equal(await verdict.count(), 1);
    assert.match((await verdict.textContent()) ?? '', /^(switch|keep|insufficient) \S+: .*small-model/);
    const segments = page.locator('svg[data-chart="journey-spend"] rect.spend');
    assert.deepEqual((await segments.evaluateAll((rects) => rects.map((r) => r.getAttribute('data-model')))).sort(), ['big-model', 'small-model']);
    await page.evaluate(AXE_SOURCE);
    const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id))`)) as string[];
    assert.deepEqual(violations, []);
    assert.deepEqual(problems, []);
  });

  it('requests a signed report for the shown window and opens it once built, without a model card', async () => {
    const { page, problems } = await signIn(project.keys.owner.key);
    await page.goto(`${assay.apiUrl}/console/tiering`);
    await Promise.all([page.waitForURL(/\/console\/reports\/[0-9a-f-]{36}$/), page.getByRole('button', { name: 'Request signed report' }).click()]);
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Tiering report');
    await eventually(async () => {
      await page.reload();
      return (await page.locator('#report-status').textContent()) === 'ready';
    }, 30_000, 500);
    assert.equal(await page.getByRole('link', { name: 'DSSE envelope (JSON)' }).count(), 1);
    assert.equal(await page.getByRole('link', { name: /CycloneDX/ }).count(), 0);
    await page.goto(`${assay.apiUrl}/console/tiering`);
    assert.match((await page.locator('table').last().textContent()) ?? '', /ready/);
    assert.deepEqual(problems, []);
  });
});
