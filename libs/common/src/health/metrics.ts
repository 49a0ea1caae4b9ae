import client from 'prom-client';

export const metricsRegistry = new client.Registry();
client.collectDefaultMetrics({ register: metricsRegistry, prefix: 'assay_' });

export const httpRequestDuration = new client.Histogram({
  name: 'assay_http_request_duration_seconds',
  help: 'HTTP request duration by app, method, route and status',
  labelNames: ['app', 'method', 'route', 'status'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

export function counter<L extends string>(name: string, help: string, labelNames: readonly L[]): client.Counter<L> {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing) return existing as client.Counter<L>;
  return new client.Counter({ name, help, labelNames, registers: [metricsRegistry] });
}

export function gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): client.Gauge<L> {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing) return existing as client.Gauge<L>;
  return new client.Gauge({ name, help, labelNames, registers: [metricsRegistry] });
}

export function histogram<L extends string>(
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[],
): client.Histogram<L> {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing) return existing as client.Histogram<L>;
  return new client.Histogram({ name, help, labelNames, buckets, registers: [metricsRegistry] });
}
