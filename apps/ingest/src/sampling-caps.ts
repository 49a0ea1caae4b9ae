import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LOGGER, counter } from '@assay/common';
import { LocalCaps, type CapDemand } from '@assay/models';
import { QUEUE_OPTIONS, type QueueModuleOptions } from '@assay/queue';

// Late spans still find their minute's counter; a span older than this starts it again.
const COUNTER_TTL_MS = 11 * 60_000;
// A Redis that stops answering without closing its connections costs a request at most this long,
// and the requests of the next UNREACHABLE_BACKOFF_MS count in this process without asking it.
const COMMAND_TIMEOUT_MS = 500;
const UNREACHABLE_BACKOFF_MS = 5000;

// KEYS[i]: one cap's counter; ARGV[1]: its time to live; ARGV[2i], ARGV[2i+1]: that cap and the spans wanting room.
const GRANT = `
local granted = {}
for i = 1, #KEYS do
  local cap = tonumber(ARGV[2 * i])
  local wanted = tonumber(ARGV[2 * i + 1])
  local used = tonumber(redis.call('GET', KEYS[i]) or '0')
  local n = math.max(0, math.min(wanted, cap - used))
  if n > 0 then redis.call('INCRBY', KEYS[i], n) end
  redis.call('PEXPIRE', KEYS[i], ARGV[1])
  granted[i] = n
end
return granted`;

// KEYS[i]: one cap's counter; ARGV[i]: the room to give back.
const RELEASE = `
for i = 1, #KEYS do
  local n = tonumber(ARGV[i])
  if n > 0 and redis.call('EXISTS', KEYS[i]) == 1 and redis.call('DECRBY', KEYS[i], n) < 0 then
    redis.call('SET', KEYS[i], 0, 'KEEPTTL')
  end
end
return 0`;

const counted = counter('assay_sampling_cap_grants_total', 'Per-minute sampling cap decisions, by where they were counted', ['counted'] as const);

interface CapCommands {
  grantCaps(keyCount: number, ...keysAndArgs: Array<string | number>): Promise<number[]>;
  releaseCaps(keyCount: number, ...keysAndArgs: Array<string | number>): Promise<number>;
}

export interface CapGrant {
  /** Per demand, how many of its spans may be kept. */
  granted: number[];
  /** Gives the room back, for spans that were not stored after all. */
  release(): Promise<void>;
}

/**
 * The per-minute sampling caps, counted in Redis so that every ingest replica shares one cap per
 * model, version and minute. While Redis cannot be reached, each process counts on its own (up to N ×
 * the cap for N replicas) rather than refusing spans: readiness already reports the outage.
 */
@Injectable()
export class SamplingCaps implements OnModuleDestroy {
  private readonly redis: Redis & CapCommands;
  private readonly prefix: string;
  private readonly local = new LocalCaps();
  private shared = true;
  private unreachableUntil = 0;
  // Until the first connection attempt settles, commands would fail at once (no offline queue).
  private readonly firstConnection: Promise<void>;

  constructor(
    @Inject(QUEUE_OPTIONS) options: QueueModuleOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.prefix = `${options.prefix}:sampling-cap`;
    const redis = new Redis(options.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: () => 1000,
    });
    redis.defineCommand('grantCaps', { lua: GRANT });
    redis.defineCommand('releaseCaps', { lua: RELEASE });
    redis.on('error', () => undefined);
    this.firstConnection = redis.connect().catch(() => undefined);
    this.redis = redis as Redis & CapCommands;
  }

  async grant(demands: readonly CapDemand[], nowMs = Date.now()): Promise<CapGrant> {
    const keys = demands.map((d) => `${this.prefix}:${d.modelId}:${d.version}:${d.minuteMs}`);
    await this.firstConnection;
    try {
      if (Date.now() < this.unreachableUntil) throw new Error('Redis did not answer a moment ago');
      const granted = (await this.redis.grantCaps(keys.length, ...keys, COUNTER_TTL_MS, ...demands.flatMap((d) => [d.maxPerMinute, d.wanted]))).map(Number);
      this.countedIn('redis');
      return { granted, release: () => this.redis.releaseCaps(keys.length, ...keys, ...granted).then(() => undefined, () => undefined) };
    } catch (error) {
      if (Date.now() >= this.unreachableUntil) this.unreachableUntil = Date.now() + UNREACHABLE_BACKOFF_MS;
      this.countedIn('process', error as Error);
      const granted = this.local.grant(demands, nowMs);
      return { granted, release: async () => this.local.release(demands, granted) };
    }
  }

  private countedIn(where: 'redis' | 'process', error?: Error): void {
    counted.inc({ counted: where });
    const shared = where === 'redis';
    if (shared === this.shared) return;
    this.shared = shared;
    if (shared) this.logger.info('sampling caps are counted in Redis again, shared by every ingest replica');
    else this.logger.warn({ err: error?.message }, 'Redis unreachable: sampling caps are counted in this process until it returns');
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
