import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export class RedisUnavailableError extends Error {}

export async function pingRedis(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function whichRedisServer(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'redis-server');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return null;
}

export interface RedisResolution {
  url: string;
  startedLocalServer: boolean;
}

export async function resolveRedis(
  options: { url: string | null; autoStart: boolean; dataDir: string },
  log: (message: string) => void,
): Promise<RedisResolution> {
  const url = options.url ?? DEFAULT_REDIS_URL;
  if (await pingRedis(url)) return { url, startedLocalServer: false };
  if (options.url !== null) {
    throw new RedisUnavailableError(
      `Redis is not reachable at REDIS_URL (${new URL(url).host}). Start it, or fix REDIS_URL.`,
    );
  }
  const binary = options.autoStart ? whichRedisServer() : null;
  if (!binary) {
    throw new RedisUnavailableError(
      'Redis is not running on 127.0.0.1:6379 and no redis-server is installed. ' +
        'Install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis), ' +
        'or point REDIS_URL at a running Redis.',
    );
  }
  const dir = path.join(options.dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  log(`starting a local redis-server (${binary}) on 127.0.0.1:6379`);
  const result = spawnSync(binary, [
    '--port', '6379', '--bind', '127.0.0.1', '--daemonize', 'yes', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--logfile', path.join(dir, 'redis.log'),
  ]);
  if (result.status !== 0) {
    throw new RedisUnavailableError(`redis-server failed to start: ${result.stderr.toString().trim()}`);
  }
  for (let i = 0; i < 50; i++) {
    if (await pingRedis(url, 500)) return { url, startedLocalServer: true };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new RedisUnavailableError(`redis-server was started but does not answer; see ${dir}/redis.log`);
}
