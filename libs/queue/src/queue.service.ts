import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Queue, type JobsOptions, type RepeatOptions } from 'bullmq';
import { JOB_QUEUE, QueueName, type JobItem } from './queue-names.js';
import { QUEUE_OPTIONS, type QueueModuleOptions } from './queue.tokens.js';

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 10000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

const PRODUCER_COMMAND_TIMEOUT_MS = 2000;
// A queue opened while Redis accepts connections but does not answer waits for it without end; a
// request waits this long at most.
const PRODUCER_TIMEOUT_MS = 5000;
const UNREACHABLE_MESSAGES = /Stream isn't writeable|Connection is closed|Command timed out|max retries per request|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE/i;

/** The job queue could not take the job or change the schedule: Redis is unreachable or does not answer. */
export class QueueUnavailableError extends Error {
  constructor(what: string, cause?: unknown) {
    super(`the job queue (Redis) is unavailable: could not ${what}`, { cause });
    this.name = 'QueueUnavailableError';
  }
}

function isUnreachable(error: unknown): boolean {
  const { name, message, code } = error as { name?: string; message?: string; code?: string };
  return name === 'MaxRetriesPerRequestError' || UNREACHABLE_MESSAGES.test(`${message ?? ''} ${code ?? ''}`);
}

async function produce<T>(what: string, operation: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailableError(`${what} within ${PRODUCER_TIMEOUT_MS / 1000} s`)), PRODUCER_TIMEOUT_MS);
  });
  try {
    return await Promise.race([operation(), timeout]);
  } catch (error) {
    if (error instanceof QueueUnavailableError || !isUnreachable(error)) throw error;
    throw new QueueUnavailableError(what, error);
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class QueueService implements OnModuleDestroy {
  private readonly queues = new Map<QueueName, Queue>();
  private closed = false;

  constructor(@Inject(QUEUE_OPTIONS) private readonly options: QueueModuleOptions) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      // A queue opened during shutdown would hold its Redis connection open after the app has closed.
      if (this.closed) throw new Error(`queue ${name} requested after the queues were closed`);
      queue = new Queue(name, {
        // Producers' commands never block, so a Redis that stops answering fails them instead of hanging the request.
        connection: { url: this.options.redisUrl, enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS },
        prefix: this.options.prefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  async enqueue(item: JobItem, options: JobsOptions = {}): Promise<string> {
    const job = await produce(`queue a ${item.name} job`, () => this.queue(JOB_QUEUE[item.name]).add(item.name, item.data, options));
    return job.id ?? '';
  }

  /**
   * Queues a job that PostgreSQL says should exist, unless Redis still holds one under its id (waiting,
   * delayed, running or finished: that one stays the job). One that failed for good is retried with
   * fresh attempts, since what it was for is still owed. Safe for replicas to run at once: the id
   * makes a second add a no-op, and a retry of a job no longer failed is refused and ignored.
   */
  async restore(item: JobItem, options: JobsOptions & { jobId: string }): Promise<'queued' | 'present' | 'retried'> {
    return produce(`restore the job ${options.jobId}`, async () => {
      const queue = this.queue(JOB_QUEUE[item.name]);
      const existing = await queue.getJob(options.jobId);
      if (!existing) {
        await queue.add(item.name, item.data, options);
        return 'queued';
      }
      if ((await existing.getState()) !== 'failed') return 'present';
      try {
        await existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        return 'retried';
      } catch (error) {
        if (/is not in the failed state/.test((error as Error).message)) return 'present';
        throw error;
      }
    });
  }

  /**
   * Creates a job scheduler, or changes one whose timing differs. Upserting an unchanged `every`
   * scheduler would restart its phase and skip or crowd a tick, so an identical one is left alone.
   */
  async ensureScheduler<K extends JobItem['name']>(
    id: string,
    repeat: Pick<RepeatOptions, 'every' | 'pattern' | 'tz'>,
    job: Extract<JobItem, { name: K }>,
    options: JobsOptions = {},
  ): Promise<'created' | 'unchanged' | 'updated'> {
    return produce(`set the schedule ${id}`, () => this.upsertScheduler(id, repeat, job, options));
  }

  private async upsertScheduler<K extends JobItem['name']>(
    id: string,
    repeat: Pick<RepeatOptions, 'every' | 'pattern' | 'tz'>,
    job: Extract<JobItem, { name: K }>,
    options: JobsOptions,
  ): Promise<'created' | 'unchanged' | 'updated'> {
    const queue = this.queue(JOB_QUEUE[job.name]);
    const existing = await queue.getJobScheduler(id);
    const same =
      existing !== undefined &&
      (existing.every ?? null) === (repeat.every ?? null) &&
      (existing.pattern ?? null) === (repeat.pattern ?? null) &&
      existing.name === job.name &&
      JSON.stringify(existing.template?.data ?? {}) === JSON.stringify(job.data);
    if (same) return 'unchanged';
    await queue.upsertJobScheduler(id, repeat, { name: job.name, data: job.data, opts: options });
    return existing ? 'updated' : 'created';
  }

  async removeScheduler(queue: QueueName, id: string): Promise<void> {
    await produce(`remove the schedule ${id}`, () => this.queue(queue).removeJobScheduler(id));
  }

  async depths(): Promise<Record<string, number>> {
    const entries = await Promise.all(
      Object.values(QueueName).map(async (name) => {
        const counts = await this.queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return [name, Object.values(counts).reduce((a, b) => a + b, 0)] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.queues.clear();
  }
}
