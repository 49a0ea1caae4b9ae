import { Injectable } from '@nestjs/common';
import { VendorShareRepository } from '@assay/db';
import { AlertsService } from './alerts.service.js';
import { VENDOR_SHARE_WINDOW_MS, vendorFindings } from './vendor-share.js';

@Injectable()
export class VendorShareService {
  constructor(
    private readonly rows: VendorShareRepository,
    private readonly alerts: AlertsService,
  ) {}

  /**
   * For every project with a maxProviderSpendShare (and every project with an open vendor alert, whose
   * limit may have been removed): each provider's share of the last 7 days' spend against the limit.
   */
  async check(now = new Date()): Promise<{ projects: number; over: number }> {
    const [limits, open] = await Promise.all([this.rows.projectLimits(), this.rows.openAlerts()]);
    const limitOf = new Map(limits.map((l) => [l.projectId, l.maxShare]));
    const projects = new Set([...limitOf.keys(), ...open.map((o) => o.projectId)]);
    const from = new Date(now.getTime() - VENDOR_SHARE_WINDOW_MS);
    let over = 0;
    for (const projectId of projects) {
      const openProviders = open.filter((o) => o.projectId === projectId).map((o) => o.provider);
      const maxShare = limitOf.get(projectId) ?? null;
      const spend = maxShare === null ? [] : await this.rows.providerSpend(projectId, from, now);
      const findings = vendorFindings(projectId, spend, maxShare, openProviders).filter((f) => f.over || openProviders.includes(f.provider));
      over += findings.filter((f) => f.over).length;
      await this.alerts.processVendorFindings(projectId, findings, maxShare, now);
    }
    return { projects: projects.size, over };
  }
}
