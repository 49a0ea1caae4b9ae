import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { AlertsModule } from '@assay/alerts';
import { CoreModule, type Runtime } from '@assay/common';
import { MonitoringModule } from '@assay/monitoring';
import { DiagnosticsProcessor } from './diagnostics/diagnostics.processor.js';
import { LedgerProcessor } from './ledger/ledger.processor.js';
import { RetentionProcessor } from './maintenance/retention.processor.js';
import { MonitoringProcessor } from './monitoring/monitoring.processor.js';
import { MonitorStateMetrics } from './monitoring/monitor-state.metrics.js';
import { AlertsProcessor } from './alerts/alerts.processor.js';
import { VendorShareProcessor } from './alerts/vendor-share.processor.js';
import { ReportBuildProcessor } from './reports/report-build.processor.js';
import { TieringReportBuildProcessor } from './reports/tiering-report-build.processor.js';
import { ReportsModule } from '@assay/reports';

export const JOB_PROCESSORS: Type[] = [
  DiagnosticsProcessor,
  LedgerProcessor,
  RetentionProcessor,
  MonitoringProcessor,
  AlertsProcessor,
  VendorShareProcessor,
  ReportBuildProcessor,
  TieringReportBuildProcessor,
];

@Module({})
export class WorkerModule {
  static forRoot(runtime: Runtime, processors: Type[] = JOB_PROCESSORS): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(runtime, { app: 'worker', consumeQueues: true }), AlertsModule, MonitoringModule, ReportsModule],
      providers: [...processors, MonitorStateMetrics],
    };
  }
}
