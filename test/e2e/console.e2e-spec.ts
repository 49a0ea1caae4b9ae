import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApiApp } from '@assay/api';
import { runDemo, type DemoOutcome } from '@assay/cli';
import { createIngestApp } from '@assay/ingest';
import { call, createInstanceDatabase, testAdminKey } from '@assay/testing';
import { createWorkerApp } from '@assay/worker';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.resolve(process.env.ASSAY_CONSOLE_SCREENSHOTS ?? 'screenshots/console');
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Tab {
  page: Page;
  problems: string[];
}

describe('console in headless Chromium', { skip: !fs.existsSync(CHROMIUM) && `${CHROMIUM} is not installed (.ci/run installs it)` }, () => {
  let outcome: DemoOutcome;
  let browser: Browser;
  let origin: string;
  let keys: { owner: string; auditor: string; ci: string };
  const contexts: BrowserContext[] = [];
  const foreignRequests: string[] = [];
  const requestedUrls: string[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-console-'));
  let printed = '';

  before(async () => {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        printed += chunk.toString();
        done();
      },
    });
    outcome = await runDemo({
      serve: false,
      out: sink,
      factories: { api: createApiApp, ingest: createIngestApp, worker: (runtime) => createWorkerApp(runtime) },
      env: {
        ...process.env,
        DATABASE_URL: await createInstanceDatabase(),
        ASSAY_DATA_DIR: dataDir,
        ASSAY_API_PORT: '0',
        ASSAY_INGEST_PORT: '0',
        ASSAY_WORKER_PORT: '0',
        ASSAY_ADMIN_KEY: testAdminKey(),
        ASSAY_QUEUE_PREFIX: `${process.env.ASSAY_QUEUE_PREFIX}-console`,
      },
    });
    origin = outcome.urls.api;
    assert.ok(printed.includes(`Console        ${origin}/`), 'the demo prints the console URL');
    keys = (outcome.steps as { keys: typeof keys }).keys;
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await outcome?.running.close().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function open(): Promise<Tab> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      requestedUrls.push(url);
      if (new URL(url).origin !== origin) {
        foreignRequests.push(url);
        await route.abort();
      } else {
        await route.continue();
      }
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    return { page, problems };
  }

  async function signIn(key: string): Promise<Tab> {
    const tab = await open();
    await tab.page.goto(`${origin}/`);
    assert.match(tab.page.url(), /\/console\/sign-in/);
    await tab.page.getByLabel('API key').fill(key);
    await Promise.all([tab.page.waitForURL((url) => !url.pathname.startsWith('/console/sign-in')), tab.page.getByRole('button', { name: 'Sign in' }).click()]);
    return tab;
  }

  async function seriousViolations(page: Page): Promise<string[]> {
    // Evaluated through the DevTools protocol, which the page's CSP does not govern: no inline script is added.
    await page.evaluate(AXE_SOURCE);
    const found = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))`)) as Array<{ id: string; impact: string; targets: string[] }>;
    return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
  }

  async function shot(page: Page, name: string): Promise<void> {
    const bytes = await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    assert.ok(bytes.byteLength > 10_000, `screenshot ${name} of ${bytes.byteLength} bytes`);
  }

  it('signs an owner in with a session cookie, and shows the demo\'s models with the drifted one', async () => {
    const { page, problems } = await signIn(keys.owner);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'assay_session');
    assert.ok(session, `cookies: ${cookies.map((c) => c.name).join(', ')}`);
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.ok(session.expires > Date.now() / 1000 && session.expires < Date.now() / 1000 + 9 * 3600, 'expires within 8 hours');
    assert.equal(await page.locator('h1').innerText(), 'Models');
    const row = page.locator('tr[data-model="support-assistant"]');
    assert.equal(await row.count(), 1);
    assert.match(await row.locator('.state').innerText(), /drifting|breached/);
    assert.notEqual(await row.locator('td').nth(0).innerText(), 'none', 'a production version');
    await shot(page, 'overview');
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(problems, []);
  });

  it('draws each monitor\'s statistic with its threshold, and the drifted one\'s failing runs', async () => {
    const { page, problems } = await signIn(keys.owner);
    await page.getByRole('link', { name: 'support-assistant' }).click();
    await page.waitForURL(/\/console\/models\/support-assistant/);
    await page.getByLabel('Period').selectOption('1h');
    await Promise.all([page.waitForURL(/period=1h/), page.getByRole('button', { name: 'Show' }).click()]);
    const charts = page.locator('svg.chart[data-monitor]');
    assert.ok((await charts.count()) >= 2);
    const drifted = page.locator('section.monitor', { has: page.locator('h3 .state.drift') }).first();
    assert.equal(await drifted.count(), 1, 'a drifted monitor');
    const line = (await drifted.locator('svg.chart polyline.series').getAttribute('points')) ?? '';
    assert.ok(line.split(' ').length >= 3, `the statistic over several buckets: ${line}`);
    assert.ok((await drifted.locator('svg.chart circle.flag').count()) >= 1, 'its failing runs are marked');
    assert.match(await drifted.locator('.explanation').innerText(), /Latest verdict .*: \S+: .* → .*; drift \(\d[\d,]* baseline vs \d[\d,]* current values\)/);
    assert.ok((await page.locator('svg.chart[data-distribution]').count()) >= 1, 'baseline against current distributions');
    assert.equal(await page.locator('svg.chart[data-chart="providers"]').count(), 1);
    await shot(page, 'model');
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(problems, []);
  });

  it('acknowledges an alert in place, and shows a change made elsewhere without a reload', async () => {
    const { page, problems } = await signIn(keys.owner);
    await page.goto(`${origin}/console/alerts?status=firing`);
    await page.locator('table[data-live-alerts][data-live="connected"]').waitFor();
    const rows = page.locator('tr[data-status="firing"]');
    assert.ok((await rows.count()) >= 2, `firing alerts: ${await rows.count()}`);
    await page.evaluate('window.stillHere = true');
    const first = rows.nth(0);
    const firstId = (await first.getAttribute('data-alert-id'))!;
    await first.getByPlaceholder('note (optional)').first().fill('looking into it');
    await first.getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator(`tr[data-alert-id="${firstId}"][data-status="acknowledged"]`).waitFor();
    assert.match(await page.locator(`tr[data-alert-id="${firstId}"] [data-field="who"]`).innerText(), /acknowledged by .*: looking into it/);

    const second = (await rows.nth(0).getAttribute('data-alert-id'))!;
    assert.notEqual(second, firstId);
    const resolved = await call('POST', `${origin}/v1/alerts/${second}/resolve`, { key: keys.owner, json: { note: 'fixed upstream' } });
    assert.equal(resolved.status, 200, resolved.text);
    await page.locator(`tr[data-alert-id="${second}"][data-status="resolved"]`).waitFor({ timeout: 10_000 });
    assert.equal(await page.evaluate('window.stillHere'), true, 'no reload happened');
    const api = await call<{ status: string; acknowledgeNote: string }>('GET', `${origin}/v1/alerts/${firstId}`, { key: keys.auditor });
    assert.equal(api.body.status, 'acknowledged');
    assert.equal(api.body.acknowledgeNote, 'looking into it');
    await shot(page, 'alerts');
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(problems, []);
  });

  it('verifies the checkpoint\'s signature and an entry\'s inclusion in the browser', async () => {
    const { page, problems } = await signIn(keys.auditor);
    await page.goto(`${origin}/console/ledger?entry=1`);
    const verdict = page.locator('#checkpoint-verdict[data-verified]');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-verified'), 'true', await verdict.innerText());
    const inclusion = page.locator('#inclusion-verdict[data-verified]');
    await inclusion.waitFor();
    assert.equal(await inclusion.getAttribute('data-verified'), 'true', await inclusion.innerText());
    await shot(page, 'ledger');

    // A note whose body was altered fails the same check.
    await page.evaluate(`(() => {
      const section = document.getElementById('checkpoint');
      section.dataset.note = section.dataset.note.replace(/\\n(\\d+)\\n/, (m, size) => '\\n' + (Number(size) + 1) + '\\n');
    })()`);
    await page.addScriptTag({ url: '/console/assets/console.js' });
    await page.evaluate(`document.dispatchEvent(new Event('DOMContentLoaded'))`);
    await page.locator('#checkpoint-verdict[data-verified="false"]').waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(problems, []);
  });

  it('shows an auditor no action buttons, and refuses a forged form post with 403', async () => {
    const { page, problems } = await signIn(keys.auditor);
    await page.goto(`${origin}/console/alerts`);
    assert.ok((await page.locator('tr[data-alert-id]').count()) >= 1);
    assert.equal(await page.locator('form[action*="/acknowledge"], form[action*="/resolve"], form[action="/console/silences"], form[action="/console/models"]').count(), 0);
    const buttons = await page.locator('main button').allInnerTexts();
    assert.deepEqual(buttons, ['Filter']);
    const alertId = (await page.locator('tr[data-alert-id]').first().getAttribute('data-alert-id'))!;
    // Forged with the auditor's own valid CSRF token, as a tampered page would send it.
    const status = (await page.evaluate(`(async () => {
      const csrf = document.querySelector('input[name="_csrf"]').value;
      const response = await fetch('/console/alerts/${alertId}/acknowledge', { method: 'POST', body: new URLSearchParams({ _csrf: csrf, note: 'forged' }) });
      return { status: response.status, text: await response.text() };
    })()`)) as { status: number; text: string };
    assert.equal(status.status, 403);
    assert.match(status.text, /requires one of the roles: owner/);
    await page.goto(`${origin}/`);
    assert.equal(await page.locator('form[action="/console/models"]').count(), 0);
    await shot(page, 'overview-auditor');
    assert.deepEqual(problems.filter((p) => !p.includes('403')), []);
  });

  it('refuses a form without its CSRF token, and a sign-in form that did not come from the page', async () => {
    const { page } = await signIn(keys.owner);
    await page.goto(`${origin}/console/alerts?status=firing`);
    const alertId = await page.locator('tr[data-alert-id]').first().getAttribute('data-alert-id');
    const refused = await page.evaluate(async (id: string | null) => {
      const response = await fetch(`/console/alerts/${id}/acknowledge`, { method: 'POST', body: new URLSearchParams({ note: 'no token' }) });
      return { status: response.status, text: await response.text() };
    }, alertId);
    assert.equal(refused.status, 403);
    assert.match(refused.text, /CSRF token/);
    const wrong = await page.evaluate(async (id: string | null) => (await fetch(`/console/alerts/${id}/acknowledge`, { method: 'POST', body: new URLSearchParams({ _csrf: 'x'.repeat(43) }) })).status, alertId);
    assert.equal(wrong, 403);

    const forgedSignIn = await fetch(`${origin}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: keys.owner }),
      redirect: 'manual',
    });
    assert.equal(forgedSignIn.status, 403);
    assert.equal(forgedSignIn.headers.getSetCookie().some((c) => c.startsWith('assay_session=') && !c.startsWith('assay_session=;')), false);
    const unsigned = await fetch(`${origin}/console/alerts/${alertId}/acknowledge`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'note=x', redirect: 'manual',
    });
    assert.equal(unsigned.status, 401);
    const formToApi = await fetch(`${origin}/v1/models`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${keys.owner}` }, body: 'name=x' });
    assert.equal(formToApi.status, 415);
    const large = await fetch(`${origin}/console/sign-in`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `key=${'a'.repeat(64 * 1024)}` });
    assert.equal(large.status, 413);
  });

  it('signs out, after which the session no longer opens a page', async () => {
    const { page } = await signIn(keys.ci);
    assert.equal(await page.locator('h1').innerText(), 'Models');
    assert.equal(await page.getByRole('link', { name: 'Alerts' }).count(), 0, 'CI keys do not read alerts in the API either');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'assay_session')!;
    await Promise.all([page.waitForURL(/\/console\/sign-in/), page.getByRole('button', { name: 'Sign out' }).click()]);
    const replayed = await fetch(`${origin}/`, { headers: { cookie: `assay_session=${cookie.value}` }, redirect: 'manual' });
    assert.equal(replayed.status, 303);
    assert.match(replayed.headers.get('location') ?? '', /^\/console\/sign-in/);
  });

  it('serves pages with a self-only CSP, and no request left the origin or carried a key', async () => {
    const home = await fetch(`${origin}/console/sign-in`);
    const csp = home.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    assert.equal(home.headers.get('cache-control'), 'no-store');
    assert.deepEqual(foreignRequests, []);
    assert.ok(requestedUrls.length > 20);
    for (const key of Object.values(keys)) assert.ok(!requestedUrls.some((u) => u.includes(key)), 'a key in a URL');
  });

  it('writes no key it signed in with to the logs', async () => {
    const { logFile } = outcome.steps as { logFile: string };
    // Open event streams would hold the server's close.
    for (const context of contexts.splice(0)) await context.close();
    await outcome.running.close();
    const logs = fs.readFileSync(logFile, 'utf8');
    assert.ok(logs.includes('/console/sign-in'), 'the sign-ins were logged');
    for (const key of Object.values(keys)) assert.ok(!logs.includes(key), `a key starting ${key.slice(0, 12)} is in the logs`);
  });
});
