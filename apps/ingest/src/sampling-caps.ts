import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, appMetrics } from '@assay/common';
import { LocalCaps, type CapDemand } from '@assay/models';
import { BestEffortRedis, QUEUE_OPTIONS, type QueueModuleOptions } from '@assay/queue';

const ingestMetrics = appMetrics('ingest');

// Late spans still find their minute's counter; a span older than this starts it again.
const COUNTER_TTL_MS = 11 * 60_000;

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

const counted = ingestMetrics.counter('assay_sampling_cap_grants_total', 'Per-minute sampling cap decisions, by where they were counted', ['counted'] as const);

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
  private readonly redis: BestEffortRedis;
  private readonly commands: CapCommands;
  private readonly prefix: string;
  private readonly local = new LocalCaps();
  private shared = true;

  constructor(
    @Inject(QUEUE_OPTIONS) options: QueueModuleOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.prefix = `${options.prefix}:sampling-cap`;
    this.redis = new BestEffortRedis(options.redisUrl);
    this.redis.client.defineCommand('grantCaps', { lua: GRANT });
    this.redis.client.defineCommand('releaseCaps', { lua: RELEASE });
    this.commands = this.redis.client as unknown as CapCommands;
  }

  async grant(demands: readonly CapDemand[], nowMs = Date.now()): Promise<CapGrant> {
    const keys = demands.map((d) => `${this.prefix}:${d.modelId}:${d.version}:${d.minuteMs}`);
    try {
      const granted = (await this.redis.run(() => this.commands.grantCaps(keys.length, ...keys, COUNTER_TTL_MS, ...demands.flatMap((d) => [d.maxPerMinute, d.wanted])))).map(Number);
      this.countedIn('redis');
      return { granted, release: () => this.redis.run(() => this.commands.releaseCaps(keys.length, ...keys, ...granted)).then(() => undefined, () => undefined) };
    } catch (error) {
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
