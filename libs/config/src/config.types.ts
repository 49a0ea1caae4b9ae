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
    /** Requests served at once; more get 429 with Retry-After. */
    maxInFlight: number;
    /** Where people reach the API and console, for links in notifications; null: http://127.0.0.1:<port>. */
    publicUrl: string | null;
  };
  ingest: {
    port: number;
    maxBodyBytes: number;
    /** Threads that decode and plan OTLP requests; 0 plans them on the event loop. */
    threads: number;
    /** Export requests handled at once; more get 429 with Retry-After. */
    maxInFlight: number;
  };
  /** Limits every HTTP app applies to requests before handling them. */
  http: {
    /** Address every app listens on; null listens on all interfaces (Node's default). */
    host: string | null;
    /** Time from connection (or the previous request) to the end of the request headers. */
    headersTimeoutMs: number;
    /** Longest wait for the next byte of a request body. */
    bodyIdleTimeoutMs: number;
    /** Longest time from the headers to the last byte of a request body. */
    bodyTimeoutMs: number;
    /** Request bytes (bodies as received and as inflated) one process holds at once, across its apps. */
    bodyBudgetBytes: number;
    /** Share of an app's in-flight requests and of the body budget that one API key may hold. */
    keySharePercent: number;
    /** Deepest arrays and objects a JSON body of the REST routes may nest; deeper ones get 400 before they are parsed. */
    jsonMaxDepth: number;
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
  /** Series caps of the per-monitor and per-model metrics (README "Metrics"). */
  metrics: {
    maxMonitors: number;
    maxModels: number;
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
