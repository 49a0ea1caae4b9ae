import { Module } from '@nestjs/common';
import { AlertStreamService } from './alert-stream.service.js';
import { AlertsController } from './alerts.controller.js';
import { SilencesController } from './silences.controller.js';

@Module({ controllers: [AlertsController, SilencesController], providers: [AlertStreamService] })
export class AlertsApiModule {}
