import type { INestApplication, Type } from '@nestjs/common';
import { createHttpApp, type Runtime } from '@assay/common';
import { JOB_PROCESSORS, WorkerModule } from './worker.module.js';

// The worker serves no public API: its HTTP port carries health and metrics only.
export async function createWorkerApp(runtime: Runtime, processors: Type[] = JOB_PROCESSORS): Promise<INestApplication> {
  return createHttpApp(WorkerModule.forRoot(runtime, processors), runtime, { name: 'worker', jsonLimitBytes: 1024 });
}
