import { serveFromEnv } from '@assay/common';
import { createIngestApp } from './ingest.app.js';

await serveFromEnv({ ingest: createIngestApp });
