export type QueueSelection = 'all' | string[];

export interface AppConfig {
  dataDir: string;
  database: {
    url: string | null;
    embeddedPort: number;
    poolSize: number;
  };
  redis: {
    url: string | null;
    autoStart: boolean;
  };
  queue: {
    prefix: string;
  };
  api: {
    port: number;
    bodyLimitBytes: number;
  };
  ingest: {
    port: number;
    maxBodyBytes: number;
    /** Threads that decode and plan OTLP requests; 0 plans them on the event loop. */
    threads: number;
  };
  worker: {
    port: number;
    queues: QueueSelection;
    concurrency: number;
  };
  auth: {
    adminKey: string | null;
  };
  signing: {
    keyFile: string | null;
  };
  /** The AES-256 key (32 bytes, base64, in a file) that encrypts webhook signing secrets at rest. */
  secrets: {
    keyFile: string | null;
    /** Keys replaced by keyFile: secrets they sealed still open, and are sealed again under keyFile at start. */
    previousKeyFiles: string[];
  };
  ledger: { origin: string; checkpointIntervalMs: number };
  webhooks: {
    allow: string[];
  };
  webhookDelivery: {
    /** Delay before each attempt, the first included (Standard Webhooks' schedule by default). */
    retryScheduleSeconds: number[];
    timeoutMs: number;
  };
  monitoring: {
    exactWindowMax: number;
  };
  retention: {
    sampleDays: number;
  };
  rateLimit: {
    perMinute: number;
  };
  log: {
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  };
  otel: {
    endpoint: string | null;
    serviceName: string;
  };
}
