import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { CoreModule, type Runtime } from '@assay/common';
import { DiagnosticsProcessor } from './diagnostics/diagnostics.processor.js';

export const JOB_PROCESSORS: Type[] = [DiagnosticsProcessor];

@Module({})
export class WorkerModule {
  static forRoot(runtime: Runtime, processors: Type[] = JOB_PROCESSORS): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(runtime, { consumeQueues: true })],
      providers: processors,
    };
  }
}
