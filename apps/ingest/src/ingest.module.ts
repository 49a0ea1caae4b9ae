import { Module, type DynamicModule } from '@nestjs/common';
import { CoreModule, type Runtime } from '@assay/common';
import { ModelsModule } from '@assay/models';
import { IngestService } from './ingest.service.js';
import { JourneyInputBuffer } from './journey-input-buffer.js';
import { JourneyRegistry } from './journey-registry.js';
import { SamplingCaps } from './sampling-caps.js';

@Module({})
export class IngestModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: IngestModule,
      imports: [CoreModule.forRoot(runtime, { app: 'ingest', consumeQueues: false }), ModelsModule],
      providers: [IngestService, SamplingCaps, JourneyRegistry, JourneyInputBuffer],
    };
  }
}
