import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { QUEUE_OPTIONS, type QueueModuleOptions } from '@assay/queue';
import { counter } from '../health/metrics.js';

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

const limited = counter('assay_rate_limited_total', 'Requests refused by the per-key rate limit', ['app'] as const);

// INCR and EXPIRE in one step, so a key's window always expires even if the process dies between them.
const CONSUME = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

// A Redis that stops answering without closing its connections costs a request at most this long…
const COMMAND_TIMEOUT_MS = 500;
// …and after such a failure, requests go through without asking it for this long.
const UNREACHABLE_BACKOFF_MS = 5000;

/**
 * A fixed one-minute window per API key, counted in Redis so that every replica shares it. While Redis
 * is unreachable it lets requests through: readiness already reports that outage, and refusing every
 * caller would turn a queue problem into a full outage.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly redis: Redis;
  private readonly prefix: string;
  private unreachableUntil = 0;
  // Until the first connection attempt settles, commands would fail at once (no offline queue).
  private readonly firstConnection: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(QUEUE_OPTIONS) options: QueueModuleOptions,
  ) {
    this.prefix = `${options.prefix}:ratelimit`;
    this.redis = new Redis(options.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: () => 1000,
    });
    this.redis.on('error', () => undefined);
    this.firstConnection = this.redis.connect().catch(() => undefined);
  }

  async consume(keyId: string, app: string): Promise<RateDecision> {
    const limit = this.config.rateLimit.perMinute;
    if (limit === 0) return { allowed: true, retryAfterSeconds: 0 };
    await this.firstConnection;
    const now = Date.now();
    if (now < this.unreachableUntil) return { allowed: true, retryAfterSeconds: 0 };
    const windowStart = Math.floor(now / 60_000) * 60_000;
    try {
      const count = (await this.redis.eval(CONSUME, 1, `${this.prefix}:${keyId}:${windowStart}`, '61000')) as number;
      if (count <= limit) return { allowed: true, retryAfterSeconds: 0 };
      limited.inc({ app });
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + 60_000 - now) / 1000)) };
    } catch {
      this.unreachableUntil = Date.now() + UNREACHABLE_BACKOFF_MS;
      return { allowed: true, retryAfterSeconds: 0 };
    }
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
