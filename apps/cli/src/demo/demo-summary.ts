import path from 'node:path';
import type { DemoClient } from './demo-client.js';

export type DemoKeys = Record<'owner' | 'ci' | 'auditor' | 'ingest', string>;

/**
 * The story checks every 2 s so that it ends in seconds; left like that, a demo that keeps serving
 * (or stopped mid-story) adds a check run and a ledger entry per check every 2 s, for ever.
 */
export const SETTLED_SCHEDULE_SECONDS = 3600;

export const DEMO_DEFAULT_HOST = '127.0.0.1';

export type AdminKeySource = { from: 'environment' } | { from: 'file'; file: string };

export function adminKeyLocation(source: AdminKeySource): string {
  return source.from === 'file' ? `in ${source.file} (0600; read by every demo run)` : 'the ASSAY_ADMIN_KEY of the environment';
}

/** The address a client on this machine reaches a server listening on host by. */
export function reachableHost(host: string | null): string {
  if (host === null || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function settleChecks(api: DemoClient, ownerKey: string, checks: { monitors: string[]; policies: string[] }): Promise<number> {
  const patch = { scheduleSeconds: SETTLED_SCHEDULE_SECONDS };
  for (const id of checks.monitors) await api.patch(`/v1/monitors/${id}`, ownerKey, patch);
  for (const id of checks.policies) await api.patch(`/v1/policies/${id}`, ownerKey, patch);
  return checks.monitors.length + checks.policies.length;
}

export interface SummaryInput {
  apiUrl: string;
  ingestUrl: string;
  host: string | null;
  projectName: string;
  keys: DemoKeys;
  adminKey: AdminKeySource;
  report: { id: string; htmlFile: string; envelopeFile: string };
}

export function summaryText(s: SummaryInput): string {
  const listening = s.host === null || s.host === '0.0.0.0' || s.host === '::'
    ? `Listening on every interface (${s.host ?? 'all'}): anyone who can reach this machine reaches these keys' API.`
    : `Listening on ${s.host} only; \`npm run demo -- --host 0.0.0.0\` (or ASSAY_HOST) listens elsewhere.`;
  return [
    '',
    'Open:',
    `  Console        ${s.apiUrl}/  (sign in with the owner or auditor key below)`,
    `  OpenAPI docs   ${s.apiUrl}/docs`,
    `  HTML report    ${s.report.htmlFile}`,
    `                 (or curl -H "Authorization: Bearer ${s.keys.auditor}" -H "Accept: text/html" ${s.apiUrl}/v1/reports/${s.report.id})`,
    `  OTLP endpoint  ${s.ingestUrl}/v1/traces`,
    `  Verify again   node ${path.join('dist', 'apps', 'cli', 'src', 'main.js')} verify report ${s.report.envelopeFile} --keys-url ${s.apiUrl}/v1/signing-keys --api-key ${s.keys.auditor}`,
    '',
    `Keys of the demo project ${s.projectName} (only their hashes are stored; this is the one place they are shown):`,
    `  owner    ${s.keys.owner}`,
    `  ci       ${s.keys.ci}`,
    `  auditor  ${s.keys.auditor}`,
    `  ingest   ${s.keys.ingest}`,
    `  admin    ${adminKeyLocation(s.adminKey)}`,
    '',
    'Send your own application\'s traces to it (OpenTelemetry SDK settings):',
    `  OTEL_EXPORTER_OTLP_ENDPOINT=${s.ingestUrl} OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20${s.keys.ingest}`,
    '',
    listening,
    `The demo's checks now run hourly (every ${SETTLED_SCHEDULE_SECONDS} s) instead of every 2 s, so its data stops growing;`,
    '`npm run demo -- --reset` starts again on an empty database.',
    '',
    '',
  ].join('\n');
}
