import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import type { AppConfig, QueueSelection } from './config.types.js';

export class ConfigError extends Error {
  constructor(readonly problems: ReadonlyArray<{ variable: string; reason: string }>) {
    super(
      `Invalid environment:\n${problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Planner threads only pay where cores are spare: on two cores the event loop, PostgreSQL and a
 * thread compete for the same CPU, and copying plans between threads costs more than it frees
 * (measured with `npm run bench:ingest`). From four cores, all but two plan.
 */
export function defaultIngestThreads(cores: number): number {
  return cores >= 4 ? Math.min(4, cores - 2) : 0;
}

/**
 * Decoding holds a body several times over (the bytes, the text, the parsed tree, the decoded
 * request; measured with `npm run bench:bodies`), so bodies in flight get an eighth of the heap.
 */
export function defaultBodyBudget(heapSizeLimit: number): number {
  return Math.max(64 << 20, Math.floor(heapSizeLimit / 8));
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

class EnvReader {
  readonly problems: Array<{ variable: string; reason: string }> = [];

  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string): string | null {
    return this.raw(name) ?? null;
  }

  port(name: string, fallback: number): number {
    return this.integer(name, fallback, 0, 65535);
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.fail(name, `must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  }

  bytes(name: string, fallback: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const match = /^(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?$/i.exec(value);
    const units: Record<string, number> = { b: 1, kb: 1000, kib: 1024, mb: 1e6, mib: 1 << 20, gb: 1e9, gib: 1 << 30 };
    const bytes = match ? Number(match[1]) * units[(match[2] ?? 'b').toLowerCase()] : NaN;
    if (!Number.isFinite(bytes) || bytes < 1024 || bytes > max) {
      this.fail(name, `must be a size from 1KiB to ${max} bytes, e.g. "16MiB" (got "${value}")`);
      return fallback;
    }
    return bytes;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(value)) return true;
    if (/^(0|false|no|off)$/i.test(value)) return false;
    this.fail(name, `must be true or false (got "${value}")`);
    return fallback;
  }

  url(name: string, protocols: string[], hint: string): string | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    let parsed: URL | null = null;
    try {
      parsed = new URL(value);
    } catch {
      parsed = null;
    }
    if (!parsed || !protocols.includes(parsed.protocol) || !parsed.hostname) {
      this.fail(name, `must be ${hint} (got "${redactUrl(value)}")`);
      return null;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }

  listenHost(name: string): string | null {
    const value = this.raw(name);
    if (value === undefined) return null;
    if (isIP(value) === 0 && !/^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(value)) {
      this.fail(name, `must be an IP address or a host name to listen on, e.g. 127.0.0.1 or 0.0.0.0 (got "${value}")`);
      return null;
    }
    return value;
  }

  list(name: string): string[] {
    const value = this.raw(name);
    return value === undefined ? [] : value.split(',').map((s) => s.trim()).filter(Boolean);
  }

  fail(variable: string, reason: string): void {
    this.problems.push({ variable, reason });
  }
}

function redactUrl(value: string): string {
  return value.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

function queueSelection(reader: EnvReader): QueueSelection {
  const names = reader.list('ASSAY_WORKER_QUEUES');
  if (names.length === 0 || (names.length === 1 && names[0] === 'all')) return 'all';
  return names;
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): AppConfig {
  const read = new EnvReader(env);
  const dataDir = path.resolve(cwd, read.string('ASSAY_DATA_DIR', '.assay'));
  const adminKey = read.optional('ASSAY_ADMIN_KEY');
  if (adminKey !== null && adminKey.length < 24) {
    read.fail('ASSAY_ADMIN_KEY', 'must be at least 24 characters so that it cannot be guessed');
  }
  const prefix = read.string('ASSAY_QUEUE_PREFIX', 'assay');
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) {
    read.fail('ASSAY_QUEUE_PREFIX', 'must be 1-64 letters, digits, "_", "." or "-"');
  }
  const allow = read.list('ASSAY_WEBHOOK_ALLOW');
  for (const entry of allow) {
    if (!/^[A-Za-z0-9_.:\-[\]/*]+$/.test(entry)) {
      read.fail('ASSAY_WEBHOOK_ALLOW', `"${entry}" is not a host name, an IP address or a CIDR range`);
    }
  }
  const retrySchedule = read.list('ASSAY_WEBHOOK_RETRY_SCHEDULE').map(Number);
  if (retrySchedule.some((s) => !Number.isInteger(s) || s < 0 || s > 86_400) || (read.raw('ASSAY_WEBHOOK_RETRY_SCHEDULE') !== undefined && retrySchedule.length === 0)) {
    read.fail('ASSAY_WEBHOOK_RETRY_SCHEDULE', 'must be a comma-separated list of whole seconds from 0 to 86400, e.g. "0,5,300"');
  }
  const config: AppConfig = {
    dataDir,
    database: {
      url: read.url('DATABASE_URL', ['postgres:', 'postgresql:'], 'a postgres:// URL'),
      embeddedPort: read.port('ASSAY_EMBEDDED_PG_PORT', 54329),
      poolSize: read.integer('ASSAY_DB_POOL_SIZE', 10, 1, 200),
    },
    redis: {
      url: read.url('REDIS_URL', ['redis:', 'rediss:'], 'a redis:// or rediss:// URL'),
      autoStart: read.boolean('ASSAY_REDIS_AUTOSTART', true),
    },
    queue: { prefix },
    api: {
      port: read.port('ASSAY_API_PORT', 3000),
      bodyLimitBytes: read.bytes('ASSAY_API_BODY_LIMIT', 8 << 20, 256 << 20),
      maxInFlight: read.integer('ASSAY_API_MAX_IN_FLIGHT', 256, 1, 100_000),
      publicUrl: read.url('ASSAY_PUBLIC_URL', ['http:', 'https:'], 'an http:// or https:// URL where people reach the API and console'),
    },
    ingest: {
      port: read.port('ASSAY_INGEST_PORT', 4318),
      maxBodyBytes: read.bytes('ASSAY_INGEST_MAX_BODY', 32 << 20, 64 << 20),
      threads: read.integer('ASSAY_INGEST_THREADS', defaultIngestThreads(availableParallelism()), 0, 64),
      maxInFlight: read.integer('ASSAY_INGEST_MAX_IN_FLIGHT', 64, 1, 100_000),
    },
    http: {
      host: read.listenHost('ASSAY_HOST'),
      headersTimeoutMs: read.integer('ASSAY_HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
      bodyIdleTimeoutMs: read.integer('ASSAY_HTTP_BODY_IDLE_TIMEOUT_MS', 10_000, 100, 600_000),
      bodyTimeoutMs: read.integer('ASSAY_HTTP_BODY_TIMEOUT_MS', 30_000, 100, 3_600_000),
      bodyBudgetBytes: read.bytes('ASSAY_BODY_BUDGET', defaultBodyBudget(getHeapStatistics().heap_size_limit), 2 ** 40),
      keySharePercent: read.integer('ASSAY_KEY_SHARE_PERCENT', 25, 1, 100),
      jsonMaxDepth: read.integer('ASSAY_JSON_MAX_DEPTH', 64, 2, 512),
    },
    worker: {
      port: read.port('ASSAY_WORKER_PORT', 3001),
      queues: queueSelection(read),
      concurrency: read.integer('ASSAY_WORKER_CONCURRENCY', 4, 1, 256),
    },
    auth: { adminKey },
    signing: { keyFile: read.optional('ASSAY_SIGNING_KEY_FILE') },
    secrets: { keyFile: read.optional('ASSAY_SECRETS_KEY_FILE'), previousKeyFiles: read.list('ASSAY_SECRETS_PREVIOUS_KEY_FILES') },
    ledger: { origin: read.string('ASSAY_LEDGER_ORIGIN', 'assay.local/ledger'), checkpointIntervalMs: read.integer('ASSAY_CHECKPOINT_INTERVAL_MS', 5000, 100, 86_400_000) },
    webhooks: { allow },
    webhookDelivery: {
      retryScheduleSeconds: retrySchedule.length > 0 && retrySchedule.every((s) => Number.isInteger(s) && s >= 0 && s <= 86_400) ? retrySchedule : [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400],
      timeoutMs: read.integer('ASSAY_WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    },
    monitoring: {
      exactWindowMax: read.integer('ASSAY_EXACT_WINDOW_MAX', 20_000, 100, 5_000_000),
    },
    metrics: {
      maxMonitors: read.integer('ASSAY_METRICS_MAX_MONITORS', 1000, 1, 100_000),
      maxModels: read.integer('ASSAY_METRICS_MAX_MODELS', 1000, 1, 100_000),
    },
    retention: {
      sampleDays: read.integer('ASSAY_RETENTION_DAYS', 30, 1, 3650),
    },
    rateLimit: {
      perMinute: read.integer('ASSAY_RATE_LIMIT_PER_MINUTE', 1200, 0, 10_000_000),
    },
    log: { level: read.oneOf('ASSAY_LOG_LEVEL', LOG_LEVELS, 'info') },
    otel: {
      endpoint: read.url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:'], 'an http:// or https:// URL'),
      serviceName: read.string('OTEL_SERVICE_NAME', 'assay'),
    },
  };
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}
