import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { ConfigModule } from '@assay/config';
import { DbModule } from '@assay/db';
import { QueueModule } from '@assay/queue';
import { LedgerModule } from '@assay/ledger';
import { ApiKeyGuard } from './auth/api-key.guard.js';
import { ApiKeyService } from './auth/api-key.service.js';
import { RateLimiter } from './auth/rate-limiter.service.js';
import { HealthModule } from './health/health.module.js';
import { APP_METRICS, appMetrics, type MetricsApp } from './health/metrics.js';
import type { Runtime } from './runtime.js';

export const LOGGER = Symbol('LOGGER');

export interface CoreOptions {
  app: MetricsApp;
  consumeQueues: boolean;
}

@Global()
@Module({})
export class CoreModule {
  static forRoot(runtime: Runtime, options: CoreOptions): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        DiscoveryModule,
        ConfigModule.forRoot(runtime.config),
        DbModule.forRoot(runtime.dataSource),
        QueueModule.forRoot({
          redisUrl: runtime.redisUrl,
          prefix: runtime.config.queue.prefix,
          consume: options.consumeQueues ? runtime.config.worker.queues : 'none',
          concurrency: runtime.config.worker.concurrency,
        }),
        HealthModule,
        LedgerModule,
      ],
      providers: [
        { provide: LOGGER, useValue: runtime.logger },
        { provide: APP_METRICS, useValue: appMetrics(options.app) },
        ApiKeyService,
        RateLimiter,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [LOGGER, APP_METRICS, ApiKeyService, RateLimiter],
    };
  }
}
