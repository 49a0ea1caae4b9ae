import type { ProfileSummary } from '@assay/stats';

/** The canonical document an audit report signs (the in-toto statement's `predicate.content`). */
export const REPORT_SCHEMA = 'https://assay.dev/report/v1';

export interface ReportContent {
  schema: typeof REPORT_SCHEMA;
  reportId: string;
  generatedAt: string;
  period: { from: string; to: string };
  projectId: string;
  model: { id: string; name: string; owner: string | null; riskTier: string; description: string | null };
  versions: Array<{ version: string; lifecycle: string; artifactDigest: string | null; createdAt: string; updatedAt: string }>;
  baselines: Array<{ id: string; version: string; source: string; sampleCount: number; digest: string; createdAt: string; ledgerIndex: number | null }>;
  monitors: Array<{
    id: string; name: string; kind: string; signal: string | null; method: string | null; threshold: number | null; rule: string | null; enabled: boolean;
    /** What the monitor applies (auto resolved, default threshold filled in), its α and alert rule; absent from reports made before they were recorded. */
    effectiveMethod?: string | null; effectiveThreshold?: number | null; alpha?: number | null; alertAfter?: number;
  }>;
  checkRuns: {
    total: number;
    byVerdict: Record<string, number>;
    items: ReportCheckRun[];
  };
  /** Each monitor's statistic over the period, bucketed to at most SERIES_BUCKETS points. */
  series: ReportSeries[];
  /** For each monitor or policy that drifted or breached in the period: baseline and current at its latest such run. */
  distributions: ReportDistribution[];
  alerts: ReportAlert[];
  gateDecisions: Array<{ id: string; candidate: string; decision: string; promoted: boolean; createdAt: string; failedChecks: string[]; ledgerIndex: number | null }>;
  economics: ReportEconomics;
  verification: { instructions: string[] };
}

export interface ReportCheckRun {
  id: string;
  monitorId: string;
  windowTo: string;
  verdict: string;
  method: string | null;
  statistic: number | null;
  pValue: number | null;
  threshold: number | null;
  /** The run's explanation in one sentence, for runs that drifted or breached (null for others and older runs). */
  summary: string | null;
  ledgerIndex: number | null;
}

export interface ReportDistribution {
  monitorId: string;
  name: string;
  kind: string;
  signal: string | null;
  /** The signal's unit (ms, tokens, USD, …), or null. */
  unit: string | null;
  checkRunId: string;
  windowTo: string;
  verdict: string;
  summary: string;
  baseline: ProfileSummary;
  current: ProfileSummary;
}

export interface ReportSeries {
  monitorId: string;
  name: string;
  kind: string;
  signal: string | null;
  method: string | null;
  threshold: number | null;
  /** What the threshold is compared with: the p-value (plotted on a log scale) or the statistic. */
  decidedOn: 'p-value' | 'statistic';
  /** Unit of the plotted statistic (a policy's value, a raw Wasserstein distance), or null. */
  unit: string | null;
  points: Array<{ from: string; to: string; runs: number; flagged: number; min: number | null; mean: number | null; max: number | null; minPValue: number | null }>;
}

export interface ReportAlert {
  id: string;
  fingerprint: string;
  kind: string;
  monitorId: string;
  /** The monitor's or policy's name when the alert fired. */
  monitorName: string | null;
  summary: string;
  signal: string | null;
  severity: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  ending: string;
  ledgerIndex: number | null;
}

export interface ReportEconomics {
  /**
   * Where requests, tokens and cost come from: `client_metrics`, the clients' unsampled
   * gen_ai.client.* metrics (cost at the input and output prices; cached input is not told apart),
   * or `samples`, the sampled spans scaled to all requests.
   */
  source: 'client_metrics' | 'samples';
  requests: number;
  sampled: number;
  /** Sampled sums scaled by requests / sampled: estimates when sampling is below 100%. */
  estimated: boolean;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  latencyMs: { p50: number | null; p95: number | null };
  providers: Array<{ provider: string; share: number; sampled: number; costUsd: number | null }>;
  energyWh: number | null;
  co2eG: number | null;
}

export interface ReportLedgerBundle {
  checkpoint: { origin: string; treeSize: number; rootHash: string; note: string };
  /** The ledger entries behind the report's records, in index order; leafHash is hex. */
  entries: Array<{ index: number; leafHash: string; entry: string }>;
  /**
   * One batched inclusion proof for all entries: the hashes (base64) of the largest perfect subtrees
   * of the checkpoint's tree that hold none of the entries. With the entries' leaf hashes they give
   * the checkpoint's root (RFC 6962 tree hash); an entry left out or altered gives another root.
   */
  nodes: Array<{ level: number; index: number; hash: string }>;
  /** Records made after the checkpoint: not provable by this report yet. */
  pending: number[];
}

export interface ReportPredicate {
  content: ReportContent;
  ledger: ReportLedgerBundle;
}

export const SERIES_BUCKETS = 500;
