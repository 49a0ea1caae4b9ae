import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { QUEUE_OPTIONS, type QueueModuleOptions } from '@assay/queue';

export interface Readiness {
  ready: boolean;
  checks: { postgres: CheckResult; redis: CheckResult };
}

interface CheckResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function timed(check: () => Promise<unknown>): Promise<CheckResult> {
  const start = performance.now();
  try {
    await check();
    return { ok: true, latencyMs: Math.round(performance.now() - start) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - start), error: (error as Error).message };
  }
}

@Injectable()
export class ReadinessService implements OnModuleDestroy {
  private readonly redis: Redis;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(QUEUE_OPTIONS) options: QueueModuleOptions,
  ) {
    // Its own connection, failing fast while Redis is away and reconnecting by itself when it is back.
    this.redis = new Redis(options.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      retryStrategy: () => 500,
    });
    this.redis.on('error', () => undefined);
    this.redis.connect().catch(() => undefined);
  }

  async check(): Promise<Readiness> {
    const [postgres, redis] = await Promise.all([
      timed(() => withTimeout(this.dataSource.query('SELECT 1'), 2000, 'PostgreSQL')),
      timed(() => withTimeout(this.redis.ping(), 1000, 'Redis')),
    ]);
    return { ready: postgres.ok && redis.ok, checks: { postgres, redis } };
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
