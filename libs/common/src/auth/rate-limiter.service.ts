import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { BestEffortRedis, QUEUE_OPTIONS, type QueueModuleOptions } from '@assay/queue';
import { appMetrics, type MetricsApp } from '../health/metrics.js';

export interface RateDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

const limitedOf = (app: MetricsApp) => appMetrics(app).counter('assay_rate_limited_total', 'Requests refused by the per-key rate limit', ['app'] as const);

// INCR and EXPIRE in one step, so a key's window always expires even if the process dies between them.
const CONSUME = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * A fixed one-minute window per API key, counted in Redis so that every replica shares it. While Redis
 * is unreachable it lets requests through: readiness already reports that outage, and refusing every
 * caller would turn a queue problem into a full outage.
 */
@Injectable()
export class RateLimiter implements OnModuleDestroy {
  private readonly redis: BestEffortRedis;
  private readonly prefix: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(QUEUE_OPTIONS) options: QueueModuleOptions,
  ) {
    this.prefix = `${options.prefix}:ratelimit`;
    this.redis = new BestEffortRedis(options.redisUrl);
  }

  async consume(keyId: string, app: MetricsApp): Promise<RateDecision> {
    const limit = this.config.rateLimit.perMinute;
    if (limit === 0) return { allowed: true, retryAfterSeconds: 0 };
    const now = Date.now();
    const windowStart = Math.floor(now / 60_000) * 60_000;
    let count: number;
    try {
      count = (await this.redis.run((client) => client.eval(CONSUME, 1, `${this.prefix}:${keyId}:${windowStart}`, '61000'))) as number;
    } catch {
      return { allowed: true, retryAfterSeconds: 0 };
    }
    if (count <= limit) return { allowed: true, retryAfterSeconds: 0 };
    limitedOf(app).inc({ app });
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + 60_000 - now) / 1000)) };
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
