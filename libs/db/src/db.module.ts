import { Global, Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeyRepository } from './repositories/api-key.repository.js';
import { JobRunRepository } from './repositories/job-run.repository.js';
import { ProjectRepository } from './repositories/project.repository.js';
import { ModelRepository } from './repositories/model.repository.js';
import { PriceCatalogRepository } from './repositories/price-catalog.repository.js';
import { SampleRepository } from './repositories/sample.repository.js';
import { SampleCountRepository } from './repositories/sample-count.repository.js';
import { SignalProfileRepository } from './repositories/signal-profile.repository.js';
import { IngestRepository } from './repositories/ingest.repository.js';
import { JourneyRepository } from './repositories/journey.repository.js';
import { ClientMetricsRepository } from './repositories/client-metrics.repository.js';
import { LedgerRepository } from './repositories/ledger.repository.js';
import { SigningKeyRepository } from './repositories/signing-key.repository.js';
import { BaselineRepository } from './repositories/baseline.repository.js';
import { MonitorRepository } from './repositories/monitor.repository.js';
import { MonitorStateRepository } from './repositories/monitor-state.repository.js';
import { CheckRunRepository } from './repositories/check-run.repository.js';
import { WindowRepository } from './repositories/window.repository.js';
import { RetentionRepository } from './repositories/retention.repository.js';
import { GateRepository } from './repositories/gate.repository.js';
import { ReportRepository } from './repositories/report.repository.js';
import { AlertRepository } from './repositories/alert.repository.js';
import { VendorShareRepository } from './repositories/vendor-share.repository.js';
import { SubscriptionRepository } from './repositories/subscription.repository.js';
import { SilenceRepository } from './repositories/silence.repository.js';
import { DeliveryRepository } from './repositories/delivery.repository.js';
import { NotificationGroupRepository } from './repositories/alert-notification.repository.js';
import { ConsoleSessionRepository } from './repositories/console-session.repository.js';
import { ProjectOverviewRepository } from './repositories/project-overview.repository.js';
import { TieringRepository } from './repositories/tiering.repository.js';

const REPOSITORIES = [
  ProjectRepository,
  ModelRepository,
  PriceCatalogRepository,
  SampleRepository,
  SampleCountRepository,
  SignalProfileRepository,
  IngestRepository,
  JourneyRepository,
  ClientMetricsRepository,
  ApiKeyRepository,
  JobRunRepository,
  LedgerRepository,
  SigningKeyRepository,
  BaselineRepository,
  MonitorRepository,
  MonitorStateRepository,
  CheckRunRepository,
  WindowRepository,
  RetentionRepository,
  GateRepository,
  ReportRepository,
  AlertRepository,
  VendorShareRepository,
  SubscriptionRepository,
  SilenceRepository,
  DeliveryRepository,
  NotificationGroupRepository,
  ConsoleSessionRepository,
  ProjectOverviewRepository,
  TieringRepository,
];

@Global()
@Module({})
export class DbModule {
  static forRoot(dataSource: DataSource): DynamicModule {
    return {
      module: DbModule,
      providers: [{ provide: DataSource, useValue: dataSource }, ...REPOSITORIES],
      exports: [DataSource, ...REPOSITORIES],
    };
  }
}
