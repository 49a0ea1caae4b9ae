import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AlertsService, NotificationScheduler, WebhookDeliveryService } from '@assay/alerts';
import { CheckRunner } from '@assay/monitoring';
import { JobName, OnJob, type JobPayloads } from '@assay/queue';

@Injectable()
export class AlertsProcessor implements OnModuleInit {
  constructor(
    private readonly runner: CheckRunner,
    private readonly alerts: AlertsService,
    private readonly notifications: NotificationScheduler,
    private readonly webhooks: WebhookDeliveryService,
  ) {}

  // Verdicts become alerts once their tick is stored, outside the check runs' transaction.
  onModuleInit(): void {
    this.runner.onStored((runs) => this.alerts.processCheckRuns(runs));
  }

  @OnJob(JobName.AlertNotify)
  async notify(data: JobPayloads[JobName.AlertNotify]): Promise<{ outcome: string }> {
    return { outcome: await this.notifications.flush(data) };
  }

  @OnJob(JobName.WebhookDeliver)
  async deliver(data: JobPayloads[JobName.WebhookDeliver]): Promise<{ outcome: string }> {
    return { outcome: await this.webhooks.deliver(data) };
  }
}
