import { digestOf, parseArtifactDigest } from '@assay/provenance';
import type { ReportContent } from './report-content.js';

export const CYCLONEDX_MEDIA_TYPE = 'application/vnd.cyclonedx+json';

interface Property {
  name: string;
  value: string;
}

interface PerformanceMetric {
  type: string;
  value: string;
  slice?: string;
}

export interface CycloneDxModelCardBom {
  bomFormat: 'CycloneDX';
  specVersion: '1.6';
  serialNumber: string;
  version: 1;
  metadata: {
    timestamp: string;
    tools: { components: Array<{ type: 'application'; name: string; version: string }> };
    properties: Property[];
  };
  components: Array<{
    type: 'machine-learning-model';
    'bom-ref': string;
    name: string;
    version?: string;
    description?: string;
    hashes?: Array<{ alg: string; content: string }>;
    properties: Property[];
    modelCard: {
      quantitativeAnalysis: { performanceMetrics: PerformanceMetric[] };
      considerations: { technicalLimitations: string[] };
    };
  }>;
}

// CycloneDX 1.6 hash-alg names of the in-toto algorithms it has.
const CYCLONEDX_HASH_ALG: Readonly<Record<string, string>> = {
  sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512', sha3_256: 'SHA3-256', sha3_384: 'SHA3-384', sha3_512: 'SHA3-512', sha1: 'SHA-1',
};

function cycloneDxHash(artifactDigest: string | null | undefined): { alg: string; content: string } | null {
  if (!artifactDigest) return null;
  const parsed = parseArtifactDigest(artifactDigest);
  if ('problem' in parsed || !Object.hasOwn(CYCLONEDX_HASH_ALG, parsed.algorithm)) return null;
  return { alg: CYCLONEDX_HASH_ALG[parsed.algorithm]!, content: parsed.value };
}

const metric = (type: string, value: number | null, slice: string): PerformanceMetric[] => (value === null || !Number.isFinite(value) ? [] : [{ type, value: String(value), slice }]);

/**
 * A report's model facts as a CycloneDX 1.6 machine-learning-model component with a model card
 * (STANDARDS.md §6). It is derived from the signed content, not signed itself: the metadata names
 * the report and the SHA-256 of its content, which is the signed statement's subject digest.
 */
export function modelCardBom(content: ReportContent, toolVersion: string): CycloneDxModelCardBom {
  const production = content.versions.find((v) => v.lifecycle === 'production') ?? null;
  const period = `${content.period.from}/${content.period.to}`;
  const performanceMetrics: PerformanceMetric[] = [
    ...metric('check runs', content.checkRuns.total, period),
    ...Object.entries(content.checkRuns.byVerdict)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([verdict, count]) => metric(`check runs with verdict ${verdict}`, count, period)),
    ...content.series.flatMap((series) => {
      const runs = series.points.reduce((n, p) => n + p.runs, 0);
      const flagged = series.points.reduce((n, p) => n + p.flagged, 0);
      const slice = `monitor ${series.name}${series.signal ? ` on ${series.signal}` : ''}${series.method ? ` (${series.method})` : ''}`;
      return metric(`share of runs flagged`, runs === 0 ? null : flagged / runs, slice);
    }),
    ...metric('requests', content.economics.requests, period),
    ...metric('latency p50 (ms)', content.economics.latencyMs.p50, period),
    ...metric('latency p95 (ms)', content.economics.latencyMs.p95, period),
    ...metric(`cost (USD${content.economics.source === 'client_metrics' ? ', from client metrics' : content.economics.estimated ? ', estimated from samples' : ''})`, content.economics.costUsd, period),
    ...metric('energy (Wh, estimate)', content.economics.energyWh, period),
    ...metric('emissions (g CO2e, estimate)', content.economics.co2eG, period),
  ];
  const technicalLimitations = content.alerts.map((a) => {
    const source = a.monitorName ? ` of ${a.kind === 'policy' ? 'policy' : 'monitor'} "${a.monitorName}" (${a.monitorId})` : '';
    return `${a.severity} alert${source}${a.signal ? ` on ${a.signal}` : ''} from ${a.startedAt}: ${a.summary ? `${a.summary}; ` : ''}${a.ending}`;
  });
  const hash = cycloneDxHash(production?.artifactDigest);
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${content.reportId}`,
    version: 1,
    metadata: {
      timestamp: content.generatedAt,
      tools: { components: [{ type: 'application', name: 'assay', version: toolVersion }] },
      properties: [
        { name: 'assay:report:id', value: content.reportId },
        { name: 'assay:report:contentSha256', value: digestOf(content) },
        { name: 'assay:report:period', value: period },
      ],
    },
    components: [
      {
        type: 'machine-learning-model',
        'bom-ref': `model:${content.model.id}`,
        name: content.model.name,
        ...(production ? { version: production.version } : {}),
        ...(content.model.description ? { description: content.model.description } : {}),
        ...(hash ? { hashes: [hash] } : {}),
        properties: [
          { name: 'assay:riskTier', value: content.model.riskTier },
          ...(content.model.owner ? [{ name: 'assay:owner', value: content.model.owner }] : []),
          ...content.versions.map((v) => ({ name: `assay:version:${v.version}`, value: v.lifecycle })),
        ],
        modelCard: { quantitativeAnalysis: { performanceMetrics }, considerations: { technicalLimitations } },
      },
    ],
  };
}
