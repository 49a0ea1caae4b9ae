import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MonitorRepository, ModelRepository } from '@assay/db';
import {
  GenAiTraffic, call, eventually, normal, sampleValue, samplesOf, seedProject, seededRandom, startTestAssay, uniqueName,
  type SeededProject, type TestAssay,
} from '@assay/testing';
import { CheckRunFeeder } from '../e2e/alert-fixtures.js';

describe('metric series caps', () => {
  let assay: TestAssay;
  let project: SeededProject;
  let feeder: CheckRunFeeder;
  const models = [uniqueName('capped-a'), uniqueName('capped-b')];
  const modelIds: string[] = [];
  const monitorIds: string[] = [];
  const scrape = async (url: string): Promise<string> => (await call('GET', `${url}/metrics`)).text;

  before(async () => {
    assay = await startTestAssay({ env: { ASSAY_METRICS_MAX_MONITORS: '2', ASSAY_METRICS_MAX_MODELS: '1' } });
    project = await seedProject(assay);
    feeder = new CheckRunFeeder(assay, project.id);
    const worker = assay.running.apps.worker!;
    for (const name of models) {
      assert.equal((await call('POST', `${assay.apiUrl}/v1/models`, { key: project.keys.owner.key, json: { name } })).status, 201);
      modelIds.push((await worker.get(ModelRepository).findByName(project.id, name))!.id);
    }
    // Three enabled monitors, two on the first model; an hourly schedule keeps the worker from running them here.
    for (const [i, modelId] of [modelIds[0]!, modelIds[0]!, modelIds[1]!].entries()) {
      const monitor = await worker.get(MonitorRepository).create({
        projectId: project.id, modelId, name: `monitor ${i}`, kind: 'drift', signal: 'latency_ms', method: 'ks', threshold: 0.05, rule: null,
        windowType: 'time', windowSize: 3600, minSamples: 1, severity: 'warning', alertAfter: 1, scheduleSeconds: 3600, versionScope: 'all', versions: null, baselineId: null,
      });
      monitorIds.push(monitor.id);
      await feeder.run({ modelId, monitorId: monitor.id, severity: 'warning' }, 'drift');
    }
  });
  after(() => assay?.close());

  it('exports the oldest ASSAY_METRICS_MAX_MONITORS monitors and counts the rest as omitted', async () => {
    const text = await scrape(assay.workerUrl);
    assert.deepEqual(samplesOf(text, 'assay_monitor_info').map((s) => s.labels.monitor_id), monitorIds.slice(0, 2));
    assert.deepEqual(new Set(samplesOf(text, 'assay_monitor_verdict').map((s) => s.labels.monitor_id)), new Set(monitorIds.slice(0, 2)));
    assert.equal(sampleValue(text, 'assay_monitors_omitted'), 1);
  });

  it('exports open alerts of the ASSAY_METRICS_MAX_MODELS models with the most, and counts the other models', async () => {
    const text = await scrape(assay.workerUrl);
    assert.deepEqual(samplesOf(text, 'assay_model_open_alerts'), [
      { labels: { project_id: project.id, model_id: modelIds[0]!, severity: 'warning', status: 'firing' }, value: 2 },
    ]);
    assert.equal(sampleValue(text, 'assay_model_open_alerts_omitted_models'), 1);
  });

  it('counts the samples of models past the cap together, under model_id="_other"', async () => {
    const traffic = new GenAiTraffic(assay.ingestUrl, project.keys.ingest.key);
    const random = seededRandom(7);
    try {
      for (const [i, model] of models.entries()) {
        traffic.emit({ model, version: 'v1', inputTokens: normal(random, 100, 10), outputTokens: normal(random, 100, 10), latencyMs: normal(random, 500, 50), finishReason: () => 'stop' }, 20 + i * 10);
        await traffic.flush();
        await eventually(async () => (await call<{ sampled: number }>('GET', `${assay.apiUrl}/v1/models/${model}/samples?limit=1`, { key: project.keys.owner.key })).body.sampled >= 20 + i * 10);
      }
    } finally {
      await traffic.shutdown();
    }
    const text = await scrape(assay.ingestUrl);
    assert.deepEqual(samplesOf(text, 'assay_model_samples_total'), [
      { labels: { project_id: project.id, model_id: modelIds[0]! }, value: 20 },
      { labels: { project_id: '_other', model_id: '_other' }, value: 30 },
    ]);
  });
});
