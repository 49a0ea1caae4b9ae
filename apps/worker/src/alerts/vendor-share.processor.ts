import { Injectable, type OnModuleInit } from '@nestjs/common';
import { VendorShareService } from '@assay/alerts';
import { JobName, OnJob, QueueService, ScheduleKeeper } from '@assay/queue';

export const VENDOR_SHARE_SCHEDULER_ID = 'vendor-share';
// Spend moves over days; a quarter of an hour is timely for an alert about a week's share.
const EVERY_MS = 15 * 60_000;

@Injectable()
export class VendorShareProcessor implements OnModuleInit {
  constructor(
    private readonly vendorShares: VendorShareService,
    private readonly queues: QueueService,
    private readonly keeper: ScheduleKeeper,
  ) {}

  onModuleInit(): void {
    this.keeper.ensure('vendor-share', () => this.queues.ensureScheduler(VENDOR_SHARE_SCHEDULER_ID, { every: EVERY_MS }, { name: JobName.VendorShareCheck, data: {} }));
  }

  @OnJob(JobName.VendorShareCheck)
  async check(): Promise<{ projects: number; over: number }> {
    return this.vendorShares.check();
  }
}
