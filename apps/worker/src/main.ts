import { serveFromEnv } from '@assay/common';
import { createWorkerApp } from './worker.app.js';

await serveFromEnv({ worker: (runtime) => createWorkerApp(runtime) });
