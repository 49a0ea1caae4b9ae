import { Module, type DynamicModule } from '@nestjs/common';
import { AlertsModule } from '@assay/alerts';
import { CoreModule, type Runtime } from '@assay/common';
import { DiagnosticsModule } from './diagnostics/diagnostics.module.js';
import { DriftModule } from './drift/drift.module.js';
import { KeysModule } from './keys/keys.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { ModelsApiModule } from './models/models-api.module.js';
import { LedgerApiModule } from './ledger/ledger.module.js';
import { SigningKeysModule } from './signing-keys/signing-keys.module.js';
import { MonitoringApiModule } from './monitoring/monitoring-api.module.js';
import { AlertsApiModule } from './alerts/alerts-api.module.js';
import { SubscriptionsApiModule } from './subscriptions/subscriptions-api.module.js';
import { GatesApiModule } from './gates/gates-api.module.js';
import { ReportsApiModule } from './reports/reports-api.module.js';
import { ConsoleModule } from './console/console.module.js';
import { TieringApiModule } from './tiering/tiering-api.module.js';

export const API_FEATURES = [
  ProjectsModule,
  ModelsApiModule,
  KeysModule,
  DiagnosticsModule,
  DriftModule,
  LedgerApiModule,
  SigningKeysModule,
  MonitoringApiModule,
  AlertsApiModule,
  SubscriptionsApiModule,
  GatesApiModule,
  ReportsApiModule,
  TieringApiModule,
  ConsoleModule,
];

@Module({})
export class ApiModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return { module: ApiModule, imports: [CoreModule.forRoot(runtime, { app: 'api', consumeQueues: false }), AlertsModule, ...API_FEATURES] };
  }
}
