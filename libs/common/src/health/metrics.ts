import client from 'prom-client';

export type MetricsApp = 'api' | 'ingest' | 'worker';

/** The Nest token of the running app's metrics, for code shared by several apps. */
export const APP_METRICS = Symbol('APP_METRICS');

// prom-client names these gauges `…_total`, which promtool refuses for anything but a counter; the
// un-suffixed `…_active_handles` (and friends) gauges beside them carry the same counts by type.
const MISNAMED_DEFAULT_GAUGES = ['assay_nodejs_active_handles_total', 'assay_nodejs_active_requests_total', 'assay_nodejs_active_resources_total'];

const HTTP_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The metrics one app serves on its own port. Each app has its own registry, also when one process
 * runs all three, so a metric appears only where the app that produces it listens and scraping every
 * port counts nothing twice. The process metrics (`assay_process_*`, `assay_nodejs_*`) describe the
 * process behind the port and so appear on each.
 */
export class AppMetrics {
  readonly registry = new client.Registry();
  readonly httpRequestDuration: client.Histogram<'app' | 'method' | 'route' | 'status'>;

  constructor(readonly app: MetricsApp) {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'assay_' });
    for (const name of MISNAMED_DEFAULT_GAUGES) this.registry.removeSingleMetric(name);
    this.httpRequestDuration = this.histogram(
      'assay_http_request_duration_seconds',
      'HTTP request duration by app, method, route and status',
      ['app', 'method', 'route', 'status'],
      HTTP_DURATION_BUCKETS,
    );
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): client.Counter<L> {
    return (this.registry.getSingleMetric(name) as client.Counter<L> | undefined) ?? new client.Counter({ name, help, labelNames, registers: [this.registry] });
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect?: (this: client.Gauge<L>) => Promise<void> | void): client.Gauge<L> {
    const existing = this.registry.getSingleMetric(name) as client.Gauge<L> | undefined;
    return existing ?? new client.Gauge({ name, help, labelNames, registers: [this.registry], ...(collect ? { collect } : {}) });
  }

  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): client.Histogram<L> {
    const existing = this.registry.getSingleMetric(name) as client.Histogram<L> | undefined;
    return existing ?? new client.Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}

const byApp = new Map<MetricsApp, AppMetrics>();

/** One per app and process: apps started again in the same process (tests) keep counting where they left off. */
export function appMetrics(app: MetricsApp): AppMetrics {
  let metrics = byApp.get(app);
  if (!metrics) byApp.set(app, (metrics = new AppMetrics(app)));
  return metrics;
}
