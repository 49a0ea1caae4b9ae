import type { INestApplication } from '@nestjs/common';
import { createHttpApp, type Runtime } from '@assay/common';
import { IngestModule } from './ingest.module.js';

export async function createIngestApp(runtime: Runtime): Promise<INestApplication> {
  return createHttpApp(IngestModule.forRoot(runtime), runtime, { name: 'ingest', jsonLimitBytes: 1024 });
}
