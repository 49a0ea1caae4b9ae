import { Global, Module } from '@nestjs/common';
import { AlertEvents } from './alert-events.service.js';
import { AlertsService } from './alerts.service.js';
import { NotificationRecovery } from './notification-recovery.service.js';
import { NotificationScheduler } from './notification-scheduler.service.js';
import { SilencesService } from './silences.service.js';
import { SubscriptionsService } from './subscriptions.service.js';
import { VendorShareService } from './vendor-share.service.js';
import { WebhookDeliveryService } from './webhook-delivery.service.js';
import { WebhookSecrets } from './webhook-secrets.service.js';

const PROVIDERS = [AlertEvents, AlertsService, NotificationRecovery, NotificationScheduler, SilencesService, SubscriptionsService, VendorShareService, WebhookDeliveryService, WebhookSecrets];

// Global: the monitoring loop (worker) raises alerts, the API changes them, and both notify.
@Global()
@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class AlertsModule {}
