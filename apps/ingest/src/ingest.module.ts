import { Module, type DynamicModule } from '@nestjs/common';
import { CoreModule, type Runtime } from '@assay/common';

@Module({})
export class IngestModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return { module: IngestModule, imports: [CoreModule.forRoot(runtime, { consumeQueues: false })] };
  }
}
