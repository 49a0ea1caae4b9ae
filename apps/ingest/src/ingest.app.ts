import type { INestApplication } from '@nestjs/common';
import { IngestModule } from './ingest.module.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiKeyService, createHttpApp, type Runtime } from '@assay/common';
import { IngestService } from './ingest.service.js';
import { OtlpReceiver } from './otlp-receiver.js';

/** Export requests handled at once per process; more get 429 with Retry-After. */
export const DEFAULT_MAX_IN_FLIGHT = 64;

export interface IngestAppOptions {
  maxInFlight?: number;
}

interface RouterLayer {
  name: string;
}

// The OTLP route must see the raw stream, so its handler goes into Express's stack ahead of the
// media-type check and the body parsers that createHttpApp installs (after request ids and logs).
function mountAheadOfBodyParsers(app: NestExpressApplication, path: string, handler: (req: never, res: never) => void): void {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: RouterLayer[] }; post: (path: string, h: unknown) => void };
  express.post(path, handler);
  const stack = express.router.stack;
  const layer = stack.pop()!;
  const parser = stack.findIndex((l) => l.name === 'jsonParser');
  if (parser < 1) throw new Error('ingest: the JSON body parser was not found; cannot mount the OTLP route ahead of it');
  // The layer just before the JSON parser is createHttpApp's media-type check.
  stack.splice(parser - 1, 0, layer);
}

export async function createIngestApp(runtime: Runtime, options: IngestAppOptions = {}): Promise<INestApplication> {
  let receiver: OtlpReceiver | null = null;
  const app = await createHttpApp(IngestModule.forRoot(runtime), runtime, {
    name: 'ingest',
    jsonLimitBytes: 1024,
    configure: (nest) => {
      mountAheadOfBodyParsers(nest, '/v1/traces', (req, res) => receiver!.handle(req, res));
    },
  });
  receiver = new OtlpReceiver(app.get(IngestService), app.get(ApiKeyService), runtime.logger.child({ app: 'ingest' }), {
    maxBodyBytes: runtime.config.ingest.maxBodyBytes,
    maxInFlight: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
  });
  return app;
}
