import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { Worker, type Job } from 'bullmq';
import { JOB_HANDLER } from './job.decorator.js';
import { buildJobRegistry, consumedQueues, type DiscoveredHandler } from './job-registry.js';
import { JobName, QueueName } from './queue-names.js';
import { QUEUE_OPTIONS, type QueueModuleOptions } from './queue.tokens.js';

/**
 * A job whose worker died is taken over once its lock expires and the stalled-job check sees it, so
 * within about JOB_LOCK_MS + STALLED_CHECK_MS. Until then a scheduler whose tick that worker had just
 * taken, before it queued the next one, produces no ticks.
 */
export const JOB_LOCK_MS = 15_000;
export const STALLED_CHECK_MS = 5_000;

@Injectable()
export class WorkerService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Worker');
  private readonly workers: Worker[] = [];
  private registry = new Map<JobName, DiscoveredHandler>();
  private queues: QueueName[] = [];

  constructor(
    @Inject(QUEUE_OPTIONS) private readonly options: QueueModuleOptions,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    this.queues = consumedQueues(this.options.consume);
    this.registry = buildJobRegistry(this.discoverHandlers(), this.queues);
  }

  onApplicationBootstrap(): void {
    for (const queue of this.queues) {
      const worker = new Worker(queue, (job) => this.process(queue, job), {
        connection: { url: this.options.redisUrl, maxRetriesPerRequest: null },
        prefix: this.options.prefix,
        concurrency: this.options.concurrency,
        lockDuration: JOB_LOCK_MS,
        stalledInterval: STALLED_CHECK_MS,
        maxStalledCount: 3,
      });
      worker.on('error', (error) => this.logger.warn(`queue ${queue}: ${error.message}`));
      worker.on('failed', (job, error) =>
        this.logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`),
      );
      this.workers.push(worker);
    }
    this.logger.log(`consuming ${this.queues.join(', ') || 'no queues'}`);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close().catch(() => undefined)));
  }

  private async process(queue: QueueName, job: Job): Promise<unknown> {
    const handler = this.registry.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job "${job.name}" on queue "${queue}"`);
    return handler.run(job.data, { jobId: job.id ?? '', attempt: job.attemptsMade + 1, queue });
  }

  private discoverHandlers(): DiscoveredHandler[] {
    const found: DiscoveredHandler[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const name = this.reflector.get<JobName | undefined>(JOB_HANDLER, fn as () => unknown);
        if (!name) continue;
        found.push({
          name,
          owner: `${instance.constructor.name}.${method}`,
          run: (data, context) => (fn as (d: unknown, c: unknown) => Promise<unknown>).call(instance, data, context),
        });
      }
    }
    return found;
  }
}
