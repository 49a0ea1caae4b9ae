import { Module } from '@nestjs/common';
import { GatesModule } from '@assay/gates';
import { MonitoringModule } from '@assay/monitoring';
import { GatesController } from './gates.controller.js';

@Module({ imports: [MonitoringModule, GatesModule], controllers: [GatesController] })
export class GatesApiModule {}
