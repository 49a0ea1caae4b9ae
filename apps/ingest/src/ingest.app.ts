import type { INestApplication } from '@nestjs/common';
import { IngestModule } from './ingest.module.js';
import { ApiKeyService, createHttpApp, type Runtime } from '@assay/common';
import { IngestService } from './ingest.service.js';
import { OtlpReceiver } from './otlp-receiver.js';

export async function createIngestApp(runtime: Runtime): Promise<INestApplication> {
  let receiver: OtlpReceiver | null = null;
  const app = await createHttpApp(IngestModule.forRoot(runtime), runtime, {
    name: 'ingest',
    jsonLimitBytes: 1024,
    rawRoutes: [
      { path: '/v1/traces', handler: (req, res) => receiver!.handle(req, res) },
      { path: '/v1/logs', handler: (req, res) => receiver!.handleLogs(req, res) },
      { path: '/v1/metrics', handler: (req, res) => receiver!.handleMetrics(req, res) },
    ],
  });
  const { ingest, http } = runtime.config;
  receiver = new OtlpReceiver(app.get(IngestService), app.get(ApiKeyService), runtime.logger.child({ app: 'ingest' }), {
    maxBodyBytes: ingest.maxBodyBytes,
    maxInFlight: ingest.maxInFlight,
    keySharePercent: http.keySharePercent,
    budget: runtime.bodyBudget,
    timeouts: { idleMs: http.bodyIdleTimeoutMs, totalMs: http.bodyTimeoutMs },
  });
  return app;
}
