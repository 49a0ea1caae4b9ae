import type { INestApplication } from '@nestjs/common';
import { IngestModule } from './ingest.module.js';
import { ApiKeyService, createHttpApp, type Runtime } from '@assay/common';
import { IngestService } from './ingest.service.js';
import { OtlpReceiver } from './otlp-receiver.js';

/** Export requests handled at once per process; more get 429 with Retry-After. */
export const DEFAULT_MAX_IN_FLIGHT = 64;

export interface IngestAppOptions {
  maxInFlight?: number;
}

export async function createIngestApp(runtime: Runtime, options: IngestAppOptions = {}): Promise<INestApplication> {
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
  receiver = new OtlpReceiver(app.get(IngestService), app.get(ApiKeyService), runtime.logger.child({ app: 'ingest' }), {
    maxBodyBytes: runtime.config.ingest.maxBodyBytes,
    maxInFlight: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
  });
  return app;
}
