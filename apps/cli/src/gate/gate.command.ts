// `assay gate`: asks the gate API whether a candidate may be promoted. fetch and the pure libs only.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openStatement, PredicateType } from '@assay/provenance';
import { parseGateArgs, type GateOptions } from './gate-args.js';

export const GATE_USAGE = `usage: assay gate --model M --candidate V --url URL --key KEY
                  [--evidence FILE | --from ISO --to ISO] [--baseline ID]
                  [--promote [--idempotency-key K]] [--out FILE] [--public-key PEM]
  evidence: FILE is an evaluation set (.json, .jsonl/.ndjson or .csv); without it, the candidate's
  shadow traffic in [--from, --to) (default: the last 24 hours) is compared with the reference baseline.
  The signed decision is verified with the service's published keys (or --public-key) and written to
  --out (default assay-gate-<model>-<candidate>.dsse.json).
exit codes: 0 pass, 1 fail, 2 insufficient evidence or error
`;

export interface GateIo {
  out(line: string): void;
  err(line: string): void;
}

const stdio: GateIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

interface Reason {
  check: string;
  outcome: string;
  reason: string;
  statistic?: number | null;
  threshold?: number | null;
}

interface DecisionResponse {
  id: string;
  decision: 'pass' | 'fail' | 'insufficient';
  reasons: Reason[];
  envelope: unknown;
  promoted: boolean;
  baselineId: string | null;
  ledgerIndex: number | null;
}

class GateError extends Error {}

function evaluationSetOf(file: string): { format: 'json' | 'jsonl' | 'csv'; content: unknown } {
  const text = fs.readFileSync(file, 'utf8');
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

async function request<T>(options: GateOptions, method: string, route: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const url = new URL(route, options.url.endsWith('/') ? options.url : `${options.url}/`);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${options.key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    throw new GateError(`${method} ${url.pathname} failed: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 500);
    try {
      message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
    } catch {
      // not JSON: keep the text
    }
    throw new GateError(`${method} ${url.pathname} answered ${response.status}: ${message}`);
  }
  return JSON.parse(text) as T;
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const num = (v: number | null | undefined): string => (v === null || v === undefined ? '' : Number(v.toPrecision(4)).toString());

export function formatChecks(reasons: readonly Reason[]): string[] {
  const rows = reasons.map((r) => [r.outcome.toUpperCase(), r.check, num(r.statistic), num(r.threshold), r.reason]);
  const header = ['RESULT', 'CHECK', 'STATISTIC', 'THRESHOLD', 'REASON'];
  const widths = header.slice(0, 4).map((h, i) => Math.min(48, Math.max(h.length, ...rows.map((row) => row[i]!.length))));
  return [header, ...rows].map((row) => row.map((cell, i) => (i < 4 ? pad(cell, widths[i]!) : cell)).join('  '));
}

export async function runGate(args: readonly string[], io: GateIo = stdio): Promise<number> {
  let options: GateOptions;
  try {
    options = parseGateArgs(args);
  } catch (error) {
    io.err(`assay gate: ${(error as Error).message}\n${GATE_USAGE}`);
    return 2;
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
      ? [{ publicKeyPem: fs.readFileSync(options.publicKeyFile, 'utf8') }]
      : (await request<{ keys: Array<{ keyId: string; publicKeyPem: string; algorithm: string }> }>(options, 'GET', 'v1/signing-keys')).keys
          .filter((k) => k.algorithm === 'ed25519')
          .map((k) => ({ keyId: k.keyId, publicKeyPem: k.publicKeyPem }));
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
    fs.writeFileSync(options.out, `${JSON.stringify(decision.envelope, null, 2)}\n`);
    io.out(`assay gate: ${options.model} ${options.candidate} → ${decision.decision.toUpperCase()}${decision.promoted ? ' (promoted to production)' : ''}`);
    io.out('');
    for (const line of formatChecks(decision.reasons)) io.out(line);
    io.out('');
    io.out(`decision ${decision.id}${decision.ledgerIndex !== null ? `, ledger entry ${decision.ledgerIndex}` : ''}; signature verified; written to ${options.out}`);
    return decision.decision === 'pass' ? 0 : decision.decision === 'fail' ? 1 : 2;
  } catch (error) {
    io.err(`assay gate: ${(error as Error).message}`);
    return 2;
  }
}
