import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { CheckpointService, LedgerAuditService, type CheckpointOutcome, type LedgerAuditReport } from '@assay/ledger';
import { JobName, OnJob, QueueService, ScheduleKeeper } from '@assay/queue';
import { appMetrics } from '@assay/common';

const workerMetrics = appMetrics('worker');

export const CHECKPOINT_SCHEDULER_ID = 'ledger-checkpoint';
export const VERIFY_SCHEDULER_ID = 'ledger-verify-daily';
const DAILY_AT_03_17 = '17 3 * * *';

const tamperGauge = workerMetrics.gauge('assay_ledger_tamper_detected', '1 when the latest tamper check found an altered ledger entry', []);

@Injectable()
export class LedgerProcessor implements OnModuleInit {
  private readonly logger = new Logger('Ledger');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queues: QueueService,
    private readonly checkpoints: CheckpointService,
    private readonly audit: LedgerAuditService,
    private readonly keeper: ScheduleKeeper,
  ) {}

  onModuleInit(): void {
    this.keeper.ensure('ledger', () => this.upsertSchedules());
  }

  private async upsertSchedules(): Promise<void> {
    const options = { attempts: 1, removeOnComplete: 100, removeOnFail: 1000 };
    await this.queues.ensureScheduler(
      CHECKPOINT_SCHEDULER_ID,
      { every: this.config.ledger.checkpointIntervalMs },
      { name: JobName.LedgerCheckpoint, data: {} },
      options,
    );
    await this.queues.ensureScheduler(VERIFY_SCHEDULER_ID, { pattern: DAILY_AT_03_17, tz: 'UTC' }, { name: JobName.LedgerVerify, data: {} }, options);
  }

  @OnJob(JobName.LedgerCheckpoint)
  checkpoint(): Promise<CheckpointOutcome> {
    return this.checkpoints.signIfGrown();
  }

  @OnJob(JobName.LedgerVerify)
  async verify(): Promise<LedgerAuditReport> {
    const report = await this.audit.verify();
    tamperGauge.set(report.valid ? 0 : 1);
    if (!report.valid) this.logger.error(`ledger tamper check failed at index ${report.firstBadIndex}: ${report.problem}`);
    return report;
  }
}
