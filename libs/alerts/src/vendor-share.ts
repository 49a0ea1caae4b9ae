import { createHash } from 'node:crypto';
import { formatNumber } from '@assay/format';

export const VENDOR_SHARE_WINDOW_MS = 7 * 86_400_000;
export const VENDOR_ALERT_NAME = 'vendor-dependency';

export interface ProviderShare {
  provider: string;
  spendUsd: number;
  spendShare: number;
}

export interface VendorFinding {
  provider: string;
  fingerprint: string;
  /** Over the limit: the alert fires or stays open; otherwise an open one resolves. */
  over: boolean;
  sentence: string;
  share: ProviderShare;
}

/** One open alert per (project, provider): repeats update it. */
export function vendorFingerprint(projectId: string, provider: string): string {
  return createHash('sha256').update(['vendor', projectId, provider].join('\n')).digest('hex').slice(0, 32);
}

export function vendorLabels(projectId: string, provider: string): Record<string, string> {
  return { alertname: VENDOR_ALERT_NAME, project: projectId, kind: 'vendor', severity: 'warning', provider, signal: 'provider_spend_share' };
}

/**
 * Each provider's share of the window's spend against the project's limit (null: the project sets none,
 * so every provider is within it). A provider that an alert is open for but that had no spend in the
 * window is back under it.
 */
export function vendorFindings(projectId: string, spend: ReadonlyArray<{ provider: string; spendUsd: number }>, maxShare: number | null, openProviders: readonly string[]): VendorFinding[] {
  const total = spend.reduce((sum, s) => sum + Math.max(0, s.spendUsd), 0);
  const shares: ProviderShare[] = spend.map((s) => ({ provider: s.provider, spendUsd: s.spendUsd, spendShare: total > 0 ? Math.max(0, s.spendUsd) / total : 0 }));
  for (const provider of openProviders) if (!shares.some((s) => s.provider === provider)) shares.push({ provider, spendUsd: 0, spendShare: 0 });
  const limit = maxShare === null ? null : formatNumber(maxShare, { unit: '%' });
  return shares.map((share) => {
    const over = maxShare !== null && total > 0 && share.spendShare > maxShare;
    const of = `${formatNumber(share.spendShare, { unit: '%' })} of the last 7 days' spend (${formatNumber(share.spendUsd, { unit: 'USD' })} of ${formatNumber(total, { unit: 'USD' })})`;
    return {
      provider: share.provider,
      fingerprint: vendorFingerprint(projectId, share.provider),
      over,
      sentence: over
        ? `vendor dependency: ${share.provider} takes ${of}, above the project's maxProviderSpendShare of ${limit}`
        : limit === null
          ? `the project no longer sets maxProviderSpendShare`
          : `${share.provider} is back to ${of}, within the limit of ${limit}`,
      share,
    };
  });
}
