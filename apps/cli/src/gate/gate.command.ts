// `assay gate`: asks the gate API whether a candidate may be promoted. fetch and the pure libs only.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { formatNumber } from '@assay/format';
import { openStatement, PredicateType } from '@assay/provenance';
import { stdio, type CliIo } from '../client/cli-io.js';
import { ExitCode } from '../client/exit-code.js';
import { RequestError, requestJson } from '../client/http-problem.js';
import { readUserFile } from '../client/read-file.js';
import { trustedKeys } from '../client/trusted-keys.js';
import { parseGateArgs, type GateOptions } from './gate-args.js';

export const GATE_USAGE = `usage: assay gate --model M --candidate V --url URL --key KEY
                  [--evidence FILE | --from ISO --to ISO] [--baseline ID]
                  [--promote [--idempotency-key K]] [--out FILE] [--public-key PEM]
  evidence: FILE is an evaluation set (.json, .jsonl/.ndjson or .csv); without it, the candidate's
  shadow traffic in [--from, --to) (default: the last 24 hours) is compared with the reference baseline.
  The signed decision is verified with the service's published keys (or --public-key) and written to
  --out (default assay-gate-<model>-<candidate>.dsse.json).
  ASSAY_URL and ASSAY_KEY stand in for --url and --key.
exit codes: 0 pass, 1 fail, 2 insufficient evidence, 3 usage or error (unreachable server, refused key, bad file)
`;

export type GateIo = CliIo;

interface Reason {
  check: string;
  kind?: string;
  outcome: string;
  reason: string;
  summary?: string;
  method?: string | null;
  statistic?: number | null;
  pValue?: number | null;
  threshold?: number | null;
  explanation?: { test?: { thresholdAppliesTo?: 'p-value' | 'statistic' } | null; rule?: { operator?: string } | null };
}

interface DecisionResponse {
  id: string;
  decision: 'pass' | 'fail' | 'insufficient';
  reasons: Reason[];
  envelope: unknown;
  promoted: boolean;
  baselineId: string | null;
  ledgerIndex: number | null;
  createdAt?: string;
  replayed?: boolean;
}

class GateError extends Error {}

function evaluationSetOf(file: string): { format: 'json' | 'jsonl' | 'csv'; content: unknown } {
  const text = readUserFile(file, 'the evidence ');
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return { format: 'csv', content: text };
  if (ext === '.jsonl' || ext === '.ndjson') return { format: 'jsonl', content: text };
  if (ext === '.json') {
    try {
      return { format: 'json', content: JSON.parse(text) };
    } catch (error) {
      throw new GateError(`${file} is not JSON: ${(error as Error).message}`);
    }
  }
  throw new GateError(`${file}: the evidence must be .json, .jsonl, .ndjson or .csv`);
}

function request<T>(options: GateOptions, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  return requestJson<T>(options.url, options.key, method, route, { body, headers, timeoutMs: 120_000 });
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const num = (v: number | null | undefined, digits = 4): string => (v === null || v === undefined ? '' : formatNumber(v, { digits }));
// Decisions from servers without explanations name no side; these methods are judged on their p-value.
const P_VALUE_METHODS = new Set(['ks', 'chi2', 'ztest']);

/** The threshold with the number it applies to: `p < 0.05` for p-value tests, `≥ 0.1` for distances, the rule's operator for policies. */
function thresholdCell(r: Reason): string {
  if (r.threshold === null || r.threshold === undefined) return '';
  if (r.kind === 'policy' || r.kind === 'score') return `${r.explanation?.rule?.operator ?? ''} ${num(r.threshold)}`.trim();
  const onPValue = r.explanation?.test?.thresholdAppliesTo ? r.explanation.test.thresholdAppliesTo === 'p-value' : P_VALUE_METHODS.has(r.method ?? '');
  return onPValue ? `p < ${num(r.threshold)}` : `≥ ${num(r.threshold)}`;
}

export function formatChecks(reasons: readonly Reason[]): string[] {
  const rows = reasons.map((r) => [r.outcome.toUpperCase(), r.check, num(r.statistic), num(r.pValue, 2), thresholdCell(r), r.summary ?? r.reason]);
  const header = ['RESULT', 'CHECK', 'STATISTIC', 'P-VALUE', 'THRESHOLD', 'REASON'];
  const widths = header.slice(0, 5).map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((row) => row[i]!.length))));
  return [header, ...rows].map((row) => row.map((cell, i) => (i < 5 ? pad(cell, widths[i]!) : cell)).join('  '));
}

const EXIT_OF: Record<DecisionResponse['decision'], ExitCode> = { pass: ExitCode.Ok, fail: ExitCode.Failed, insufficient: ExitCode.Insufficient };

export async function runGate(args: readonly string[], io: GateIo = stdio()): Promise<ExitCode> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(GATE_USAGE.trimEnd());
    return ExitCode.Ok;
  }
  let options: GateOptions;
  try {
    options = parseGateArgs(args);
  } catch (error) {
    io.err(`assay gate: ${(error as Error).message}\n${GATE_USAGE}`);
    return ExitCode.Error;
  }
  try {
    const body: Record<string, unknown> = { model: options.model, candidate: options.candidate };
    if (options.baselineId) body.baselineId = options.baselineId;
    if (options.evidenceFile) body.evaluationSet = evaluationSetOf(options.evidenceFile);
    if (options.from && options.to) body.window = { from: options.from, to: options.to };
    const headers: Record<string, string> = {};
    if (options.promote) {
      body.promote = true;
      // A re-run of the same pipeline replays its decision instead of promoting twice.
      const run = process.env.CI_PIPELINE_ID ?? process.env.GITHUB_RUN_ID;
      headers['idempotency-key'] = options.idempotencyKey ?? (run ? `${run}:${options.model}:${options.candidate}` : randomUUID());
    } else if (options.idempotencyKey) {
      headers['idempotency-key'] = options.idempotencyKey;
    }
    const decision = await request<DecisionResponse>(options, 'POST', 'v1/gates/evaluate', body, headers);
    const keys = options.publicKeyFile
      ? await trustedKeys([options.publicKeyFile], null, null)
      : await trustedKeys([], new URL('v1/signing-keys', options.url.endsWith('/') ? options.url : `${options.url}/`).toString(), options.key);
    let signed: { decision?: unknown; decisionId?: unknown };
    try {
      const statement = openStatement(decision.envelope, keys, { predicateType: PredicateType.TestResult });
      signed = (statement.predicate as { assay?: { decision?: unknown; decisionId?: unknown } }).assay ?? {};
    } catch (error) {
      throw new GateError(`the decision's signature does not verify: ${(error as Error).message}`);
    }
    if (signed.decision !== decision.decision || signed.decisionId !== decision.id) {
      throw new GateError(`the signed statement says ${String(signed.decision)}, the response ${decision.decision}`);
    }
    try {
      fs.writeFileSync(options.out, `${JSON.stringify(decision.envelope, null, 2)}\n`);
    } catch (error) {
      throw new GateError(`cannot write ${options.out}: ${(error as Error).message}`);
    }
    const promoted = decision.promoted ? (decision.replayed ? ' (it promoted the candidate to production then)' : ' (promoted to production)') : '';
    io.out(`assay gate: ${options.model} ${options.candidate} → ${decision.decision.toUpperCase()}${promoted}`);
    if (decision.replayed) {
      io.out(`replayed: decision ${decision.id} was made${decision.createdAt ? ` at ${decision.createdAt}` : ''} for the same idempotency key (${headers['idempotency-key']}); nothing was evaluated or promoted again`);
    }
    io.out('');
    for (const line of formatChecks(decision.reasons)) io.out(line);
    io.out('');
    io.out(`decision ${decision.id}${decision.ledgerIndex !== null ? `, ledger entry ${decision.ledgerIndex}` : ''}; signature verified; written to ${options.out}`);
    return EXIT_OF[decision.decision] ?? ExitCode.Error;
  } catch (error) {
    io.err(`assay gate: ${error instanceof GateError || error instanceof RequestError ? error.message : (error as Error).message}`);
    return ExitCode.Error;
  }
}
