import { Module } from '@nestjs/common';
import { ModelsModule } from '@assay/models';
import { MonitoringModule } from '@assay/monitoring';
import { ReportsModule } from '@assay/reports';
import { TieringModule } from '@assay/tiering';
import { AlertStreamService } from '../alerts/alert-stream.service.js';
import { LedgerQueryService } from '../ledger/ledger-query.service.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { ConsoleAlertsController } from './console-alerts.controller.js';
import { ConsoleAssetsController } from './console-assets.controller.js';
import { ConsoleAuthController } from './console-auth.controller.js';
import { ConsoleLedgerController } from './console-ledger.controller.js';
import { ConsoleModelService } from './console-model.service.js';
import { ConsoleOverviewService } from './console-overview.service.js';
import { ConsolePagesController } from './console-pages.controller.js';
import { ConsoleSessionGuard } from './console-session.guard.js';
import { ConsoleSessionService } from './console-session.service.js';
import { ConsoleTieringController } from './console-tiering.controller.js';
import { ConsoleExceptionFilter } from './console-exception.filter.js';

/** The browser console at `/`: pages rendered on the server from the services the REST API uses. */
@Module({
  imports: [ModelsModule, MonitoringModule, ReportsModule, TieringModule, ProjectsModule],
  controllers: [ConsoleAuthController, ConsolePagesController, ConsoleAlertsController, ConsoleLedgerController, ConsoleTieringController, ConsoleAssetsController],
  providers: [
    ConsoleSessionService, ConsoleSessionGuard, ConsoleExceptionFilter, ConsoleOverviewService, ConsoleModelService,
    AlertStreamService, LedgerQueryService,
  ],
})
export class ConsoleModule {}
