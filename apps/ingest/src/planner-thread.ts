// The body of an ingest planner thread: decodes requests and plans them against catalogs the main
// thread sends (plain data, compiled here once per revision). It touches no database.
import { parentPort } from 'node:worker_threads';
import { OtlpError } from '@assay/otlp';
import { compileCatalog, type ProjectCatalog } from '@assay/models';
import { planIngest } from './ingest-plan.js';
import type { ForgetCatalogs, PlanReply, PlanTask } from './planner-pool.js';

// Bounded by the pool, which tells this thread when to forget.
const catalogs = new Map<string, ProjectCatalog>();

function catalogFor(task: PlanTask): ProjectCatalog {
  if (task.source) {
    const compiled = compileCatalog(task.source, task.revision);
    catalogs.set(task.projectId, compiled);
    return compiled;
  }
  const cached = catalogs.get(task.projectId);
  if (!cached || cached.revision !== task.revision) throw new Error(`catalog revision ${task.revision} of project ${task.projectId} was never sent`);
  return cached;
}

function reply(task: PlanTask): PlanReply {
  try {
    const plan = planIngest(task.body, task.format, catalogFor(task), {
      nowMs: task.nowMs,
      maxAgeMs: task.maxAgeMs,
      collectUnknownModels: task.collectUnknownModels,
    });
    return { id: task.id, plan };
  } catch (error) {
    if (error instanceof OtlpError) return { id: task.id, otlpError: { kind: error.kind, message: error.message } };
    return { id: task.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

parentPort!.on('message', (message: PlanTask | ForgetCatalogs) => {
  if ('forget' in message) catalogs.clear();
  else parentPort!.postMessage(reply(message));
});
