import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AlertsService, NotificationRecovery, NotificationScheduler, WebhookDeliveryService } from '@assay/alerts';
import { CheckRunner } from '@assay/monitoring';
import { JobName, OnJob, ScheduleKeeper, type JobPayloads } from '@assay/queue';

@Injectable()
export class AlertsProcessor implements OnModuleInit {
  constructor(
    private readonly runner: CheckRunner,
    private readonly alerts: AlertsService,
    private readonly notifications: NotificationScheduler,
    private readonly webhooks: WebhookDeliveryService,
    private readonly recovery: NotificationRecovery,
    private readonly keeper: ScheduleKeeper,
  ) {}

  // Verdicts become alerts once their tick is stored, outside the check runs' transaction. Group waits
  // and webhook retries are delayed jobs that PostgreSQL remembers: they come back with the schedules.
  onModuleInit(): void {
    this.runner.onStored((runs) => this.alerts.processCheckRuns(runs));
    this.keeper.ensure('notifications', () => this.recovery.restoreDue());
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
