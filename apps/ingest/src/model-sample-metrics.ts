import { appMetrics } from '@assay/common';
import type { CountToWrite } from '@assay/db';

const ingestMetrics = appMetrics('ingest');
const seenCounter = ingestMetrics.counter('assay_model_spans_seen_total', 'Inference spans matched to each model, sampled or not', ['project_id', 'model_id']);
const sampledCounter = ingestMetrics.counter('assay_model_samples_total', 'Samples kept for each model (spans sampled and within the per-minute cap)', ['project_id', 'model_id']);

/** Where the models past the series cap are counted, together. */
export const OTHER_MODELS = '_other';

// The counters are the process's, so the models they name are too.
const named = new Set<string>();

/** Counts each model's spans and samples under its ids, the first `maxModels` models of the process by name, the rest as one. */
export function countModelSamples(projectId: string, counts: readonly CountToWrite[], maxModels: number): void {
  for (const count of counts) {
    if (!named.has(count.modelId) && named.size < maxModels) named.add(count.modelId);
    const labels = named.has(count.modelId) ? { project_id: projectId, model_id: count.modelId } : { project_id: OTHER_MODELS, model_id: OTHER_MODELS };
    if (count.seen > 0) seenCounter.inc(labels, count.seen);
    if (count.sampled > 0) sampledCounter.inc(labels, count.sampled);
  }
}
