import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  call, eventually, promtoolCheckConfig, promtoolCheckMetrics, promtoolCheckRules, promtoolTestRules, sampleValue, samplesOf, startTestAssay, type TestAssay,
} from '@assay/testing';
import { DriftScenario } from './drift-scenario.js';

const DEPLOY = path.resolve('deploy/prometheus');

interface CheckRun {
  id: string;
  statistic: number;
  pValue: number;
  verdict: string;
  createdAt: string;
}

describe('Prometheus: metrics on each port, monitor state, and the deploy files', () => {
  let assay: TestAssay;
  let scenario: DriftScenario;
  const scrape = async (url: string): Promise<string> => {
    const response = await call('GET', `${url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return response.text;
  };

  before(async () => {
    assay = await startTestAssay();
    scenario = await DriftScenario.prepare(assay);
    await scenario.firingAlert();
  });
  after(async () => {
    await scenario?.shutdown();
    await assay?.close();
  });

  it('every port serves a scrape that promtool check metrics passes', async () => {
    for (const [app, url] of Object.entries({ api: assay.apiUrl, ingest: assay.ingestUrl, worker: assay.workerUrl })) {
      const text = await scrape(url);
      const lint = promtoolCheckMetrics(text);
      assert.deepEqual(lint, { status: 0, output: '' }, `${app}: ${lint.output}`);
      for (const line of text.split('\n').filter((l) => l.startsWith('# TYPE '))) {
        const [, , name, type] = line.split(' ');
        assert.equal(name!.endsWith('_total'), type === 'counter', `${app}: ${line}`);
      }
    }
  });

  it("a metric appears only on the port of the app that produces it, though one process runs all three", async () => {
    const [api, ingest, worker] = await Promise.all([assay.apiUrl, assay.ingestUrl, assay.workerUrl].map(scrape));
    const families = (text: string): Set<string> => new Set(text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]!));
    assert.ok(families(ingest).has('assay_ingest_spans_total'));
    assert.ok(!families(api).has('assay_ingest_spans_total'));
    assert.ok(!families(worker).has('assay_ingest_spans_total'));
    assert.ok(families(worker).has('assay_check_runs_total'));
    assert.ok(!families(api).has('assay_check_runs_total'));
    for (const name of ['assay_monitor_verdict', 'assay_model_open_alerts']) {
      assert.ok(families(worker).has(name), name);
      assert.ok(!families(api).has(name) && !families(ingest).has(name), name);
    }
    assert.deepEqual(new Set(samplesOf(api, 'assay_http_request_duration_seconds_count').map((s) => s.labels.app)), new Set(['api']));
    assert.deepEqual(new Set(samplesOf(ingest, 'assay_http_request_duration_seconds_count').map((s) => s.labels.app)), new Set(['ingest']));
    // Each app's registry holds the process metrics of the process behind its port.
    for (const text of [api, ingest, worker]) assert.ok(families(text).has('assay_process_cpu_seconds_total'));
  });

  it("the worker shows the monitor's latest run: statistic, p-value, verdict and time, labelled by ids", async () => {
    const ids = `project_id="${scenario.project.id}",model_id="${scenario.modelId}",monitor_id="${scenario.monitorId}"`;
    const text = await scrape(assay.workerUrl);
    const ranAt = sampleValue(text, `assay_monitor_last_run_timestamp_seconds{${ids}}`);
    assert.ok(ranAt !== undefined, text);
    const runs = await call<{ items: CheckRun[] }>('GET', scenario.api(`/v1/check-runs?monitorId=${scenario.monitorId}&limit=100`), { key: scenario.owner() });
    const run = runs.body.items.find((r) => Math.abs(Date.parse(r.createdAt) / 1000 - ranAt) < 0.0005);
    assert.ok(run, `no run stored at ${ranAt}: ${runs.body.items.map((r) => r.createdAt).join(', ')}`);
    assert.equal(run.verdict, 'drift');
    assert.equal(sampleValue(text, `assay_monitor_statistic{${ids}}`), run.statistic);
    assert.equal(sampleValue(text, `assay_monitor_p_value{${ids}}`), run.pValue);
    assert.equal(sampleValue(text, `assay_monitor_verdict{${ids},verdict="drift"}`), 1);
    assert.equal(sampleValue(text, `assay_monitor_verdict{${ids},verdict="ok"}`), 0);
    assert.equal(sampleValue(text, `assay_monitor_verdict{${ids},verdict="insufficient_data"}`), 0);
    assert.equal(sampleValue(text, `assay_monitor_verdict{${ids},verdict="breach"}`), undefined);
    assert.equal(
      sampleValue(text, `assay_monitor_info{${ids},kind="drift",model="${scenario.model}",signal="output_tokens",method="ks"}`),
      1,
    );
    assert.equal(sampleValue(text, `assay_model_open_alerts{project_id="${scenario.project.id}",model_id="${scenario.modelId}",severity="warning",status="firing"}`), 1);
    assert.equal(sampleValue(text, 'assay_monitors_omitted'), 0);
    assert.equal(sampleValue(text, 'assay_monitor_state_up'), 1);
  });

  it("the ingest counts each model's spans and samples under its ids", async () => {
    const text = await scrape(assay.ingestUrl);
    const model = `project_id="${scenario.project.id}",model_id="${scenario.modelId}"`;
    assert.equal(sampleValue(text, `assay_model_spans_seen_total{${model}}`), 600);
    assert.equal(sampleValue(text, `assay_model_samples_total{${model}}`), 600);
  });

  it('a resolved alert leaves the open-alert gauge and the verdict follows the next run', async () => {
    await scenario.calmAgain();
    const ids = `project_id="${scenario.project.id}",model_id="${scenario.modelId}",monitor_id="${scenario.monitorId}"`;
    const text = await eventually(async () => {
      const t = await scrape(assay.workerUrl);
      return sampleValue(t, `assay_monitor_verdict{${ids},verdict="ok"}`) === 1 ? t : null;
    }, 20_000, 250);
    assert.equal(sampleValue(text, `assay_monitor_verdict{${ids},verdict="drift"}`), 0);
    const open = await eventually(async () => {
      const t = await scrape(assay.workerUrl);
      return samplesOf(t, 'assay_model_open_alerts').every((s) => s.labels.model_id !== scenario.modelId) ? t : null;
    }, 20_000, 250);
    assert.ok(open);
  });

  it('the alerting rules pass promtool check rules and their unit tests, the scrape config promtool check config', () => {
    const rules = promtoolCheckRules(path.join(DEPLOY, 'assay-rules.yml'));
    assert.equal(rules.status, 0, rules.output);
    assert.match(rules.output, /SUCCESS: \d+ rules found/);
    const unit = promtoolTestRules(path.join(DEPLOY, 'assay-rules.test.yml'));
    assert.equal(unit.status, 0, unit.output);
    const config = promtoolCheckConfig(path.join(DEPLOY, 'prometheus.yml'));
    assert.equal(config.status, 0, config.output);
  });

  it("the dashboard's queries parse as PromQL, and every Assay metric the rules and dashboard name is exported", async () => {
    const dashboard = JSON.parse(fs.readFileSync(path.join(DEPLOY, 'assay-dashboard.json'), 'utf8')) as { panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr.replaceAll('$model', '.*')));
    assert.ok(exprs.length >= 10);
    // promtool has no PromQL parser of its own, but checks a rules file's expressions: each query becomes a recording rule.
    const asRules = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'assay-dashboard-')), 'dashboard-rules.yml');
    const rules = exprs.map((expr, i) => `      - record: assay_dashboard_query_${i}\n        expr: ${JSON.stringify(expr)}`).join('\n');
    fs.writeFileSync(asRules, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
    const parsed = promtoolCheckRules(asRules);
    assert.equal(parsed.status, 0, parsed.output);

    const scrapes = (await Promise.all([assay.apiUrl, assay.ingestUrl, assay.workerUrl].map(scrape))).join('\n');
    const exported = new Set(scrapes.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]!));
    const ruleLines = fs.readFileSync(path.join(DEPLOY, 'assay-rules.yml'), 'utf8').split('\n').filter((l) => !l.trimStart().startsWith('#'));
    const named = [...[...ruleLines, ...exprs].join('\n').matchAll(/\bassay_[a-z0-9_]+/g)]
      .map((m) => m[0].replace(/_(bucket|count|sum)$/, ''))
      .filter((name) => !name.startsWith('assay_dashboard_query_'));
    for (const name of new Set(named)) assert.ok(exported.has(name), `${name} is named but not exported`);
  });
});
