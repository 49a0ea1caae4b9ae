import { JOB_QUEUE, JobName, QueueName } from './queue-names.js';

export type JobHandlerFn = (data: unknown, context: JobContext) => Promise<unknown>;

export interface JobContext {
  jobId: string;
  attempt: number;
  queue: QueueName;
}

export interface DiscoveredHandler {
  name: JobName;
  owner: string;
  run: JobHandlerFn;
}

export class JobRegistryError extends Error {}

export function consumedQueues(selection: 'all' | 'none' | string[]): QueueName[] {
  if (selection === 'none') return [];
  const all = Object.values(QueueName);
  if (selection === 'all') return all;
  const unknown = selection.filter((name) => !all.includes(name as QueueName));
  if (unknown.length > 0) {
    throw new JobRegistryError(
      `ASSAY_WORKER_QUEUES names unknown queues: ${unknown.join(', ')} (known: ${all.join(', ')})`,
    );
  }
  return selection as QueueName[];
}

// Every job of a consumed queue needs exactly one handler: a missing one would leave jobs waiting
// forever, and two would make the outcome depend on discovery order.
export function buildJobRegistry(
  handlers: DiscoveredHandler[],
  queues: QueueName[],
  jobNames: readonly JobName[] = Object.values(JobName),
): Map<JobName, DiscoveredHandler> {
  const problems: string[] = [];
  const registry = new Map<JobName, DiscoveredHandler>();
  for (const handler of handlers) {
    const existing = registry.get(handler.name);
    if (existing) {
      problems.push(`job "${handler.name}" has two handlers: ${existing.owner} and ${handler.owner}`);
    } else {
      registry.set(handler.name, handler);
    }
  }
  for (const name of jobNames) {
    const queue = JOB_QUEUE[name] as QueueName | undefined;
    if (queue && queues.includes(queue) && !registry.has(name)) {
      problems.push(`job "${name}" on queue "${queue}" has no handler`);
    }
  }
  if (problems.length > 0) throw new JobRegistryError(`Worker start-up failed: ${problems.join('; ')}`);
  return registry;
}
