import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { CoreModule, type Runtime } from '@assay/common';
import { DiagnosticsProcessor } from './diagnostics/diagnostics.processor.js';
import { LedgerProcessor } from './ledger/ledger.processor.js';

export const JOB_PROCESSORS: Type[] = [
  DiagnosticsProcessor,
  LedgerProcessor,
];

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
