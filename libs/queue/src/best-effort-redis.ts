import { Redis } from 'ioredis';

// A Redis that stops answering without closing its connections costs a caller at most this long…
const COMMAND_TIMEOUT_MS = 500;
// …and after any failure, callers are told at once for this long, without asking it.
const UNREACHABLE_BACKOFF_MS = 5000;

export class RedisBackingOffError extends Error {
  constructor() {
    super('Redis did not answer a moment ago');
  }
}

/**
 * A connection for counters that callers can do without (rate limits, sampling caps): commands fail
 * fast instead of queueing or hanging, so the caller falls back at once while Redis is down or stuck.
 */
export class BestEffortRedis {
  readonly client: Redis;
  private unreachableUntil = 0;
  // Until the first connection attempt settles, commands would fail at once (no offline queue).
  private readonly firstConnection: Promise<void>;

  constructor(url: string) {
    this.client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: () => 1000,
    });
    this.client.on('error', () => undefined);
    this.firstConnection = this.client.connect().catch(() => undefined);
  }

  /** Runs the command, or rejects: with its error, or with RedisBackingOffError shortly after one. */
  async run<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    await this.firstConnection;
    if (Date.now() < this.unreachableUntil) throw new RedisBackingOffError();
    try {
      return await command(this.client);
    } catch (error) {
      this.unreachableUntil = Date.now() + UNREACHABLE_BACKOFF_MS;
      throw error;
    }
  }

  disconnect(): void {
    this.client.disconnect();
  }
}
