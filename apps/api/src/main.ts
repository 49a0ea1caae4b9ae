import { serveFromEnv } from '@assay/common';
import { createApiApp } from './api.app.js';

await serveFromEnv({ api: createApiApp });
