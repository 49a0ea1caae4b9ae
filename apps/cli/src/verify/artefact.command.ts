// `assay verify report|gate FILE` and `assay verify FILE`: offline checks of signed artefacts.
import { PredicateType, VerificationError, VerificationFailure } from '@assay/provenance';
import { stdio, type CliIo } from '../client/cli-io.js';
import { ExitCode } from '../client/exit-code.js';
import { readUserFile } from '../client/read-file.js';
import { trustedKeys, type TrustedPublicKey } from '../client/trusted-keys.js';
import { InvalidGateDecisionError, verifyGateDecision } from './gate-verify.js';
import { InvalidReportError, verifyReport } from './report-verify.js';
import { verifyTieringReport } from './tiering-verify.js';

export const VERIFY_ARTEFACT_USAGE = `usage: assay verify [report | gate] FILE (--key PEM [--key PEM ...] | --keys-url URL [--api-key KEY])
  FILE is a signed artefact: an audit or tiering report (GET /v1/reports/:id with Accept: application/json)
  or a gate decision (written by assay gate --out). Without "report" or "gate" the envelope's predicate type decides.
  With --key the check is fully offline; --keys-url fetches the published keys (e.g.
  https://assay.example/v1/signing-keys, which takes --api-key or ASSAY_KEY).
exit codes: 0 valid (a gate decision: valid and pass), 1 invalid (a gate decision: or valid and fail),
  2 a valid gate decision of insufficient evidence, 3 usage or error`;

class UsageError extends Error {}

interface Options {
  file: string;
  keyFiles: string[];
  keysUrl: string | null;
  apiKey: string | null;
}

function parse(args: readonly string[]): Options {
  const keyFiles: string[] = [];
  const positional: string[] = [];
  let keysUrl: string | null = null;
  let apiKey: string | null = process.env.ASSAY_KEY ?? null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--key' || flag === '--public-key') keyFiles.push(value());
    else if (flag === '--keys-url') keysUrl = value();
    else if (flag === '--api-key') apiKey = value();
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError('name one FILE');
  if (keyFiles.length === 0 && keysUrl === null) throw new UsageError('give --key PEM or --keys-url URL');
  return { file: positional[0]!, keyFiles, keysUrl, apiKey };
}

type Kind = 'report' | 'gate';
type Check = 'audit' | 'tiering' | 'gate';

function predicateTypeOf(envelope: unknown): unknown {
  const payload = (envelope as { payload?: unknown } | null)?.payload;
  if (typeof payload !== 'string') throw new VerificationError(VerificationFailure.Malformed, 'not a DSSE envelope (no payload)');
  try {
    return (JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as { predicateType?: unknown }).predicateType;
  } catch {
    throw new InvalidReportError('the envelope payload is not an in-toto statement');
  }
}

/** A malformed envelope named as a report is the audit check's to refuse, with its reasons. */
function peekPredicateType(envelope: unknown): unknown {
  try {
    return predicateTypeOf(envelope);
  } catch {
    return null;
  }
}

// Read unverified, only to choose the check; the check verifies it. "report" covers both kinds of report.
function checkOf(kind: Kind | null, envelope: unknown): Check {
  if (kind === 'gate') return 'gate';
  const predicateType = kind === 'report' ? peekPredicateType(envelope) : predicateTypeOf(envelope);
  if (predicateType === PredicateType.TieringReport) return 'tiering';
  if (kind === 'report' || predicateType === PredicateType.AuditReport) return 'audit';
  if (predicateType === PredicateType.TestResult) return 'gate';
  throw new InvalidReportError(`predicate type ${String(predicateType)} is neither a report nor a gate decision`);
}

/** `kind` null: read it from the envelope (unverified, only to choose the check; the check verifies it). */
export async function runVerifyArtefact(kind: Kind | null, args: readonly string[], io: CliIo = stdio()): Promise<ExitCode> {
  const name = `assay verify${kind ? ` ${kind}` : ''}`;
  if (args.includes('--help') || args.includes('-h')) {
    io.out(VERIFY_ARTEFACT_USAGE);
    return ExitCode.Ok;
  }
  let options: Options;
  try {
    options = parse(args);
  } catch (error) {
    io.err(`${name}: ${(error as Error).message}\n${VERIFY_ARTEFACT_USAGE}`);
    return ExitCode.Error;
  }
  let envelope: unknown;
  let keys: TrustedPublicKey[];
  try {
    const text = readUserFile(options.file, '');
    try {
      envelope = JSON.parse(text);
    } catch {
      io.err(`INVALID: ${options.file} is not JSON`);
      return ExitCode.Failed;
    }
    keys = await trustedKeys(options.keyFiles, options.keysUrl, options.apiKey);
  } catch (error) {
    io.err(`${name}: ${(error as Error).message}`);
    return ExitCode.Error;
  }
  try {
    const check = checkOf(kind, envelope);
    if (check === 'tiering') {
      const result = verifyTieringReport(envelope, keys);
      io.out(`tiering report ${result.reportId}: ${result.from} – ${result.to}, margin ${result.margin}, alpha ${result.alpha}, ${result.journeys} journeys, ${result.decisions} decisions`);
      io.out(`signature valid (key ${result.keyId}); subject digest ${result.subjectDigest} matches the report`);
      io.out('its ledger entry (ledgerIndex in GET /v1/tiering/reports) is checked with: assay verify entry INDEX --url URL --key KEY');
      io.out('VALID');
      return ExitCode.Ok;
    }
    if (check === 'audit') {
      const result = verifyReport(envelope, keys);
      io.out(`report ${result.reportId}: model ${result.model}, ${result.period.from} – ${result.period.to}`);
      io.out(`signature valid (key ${result.keyId}); subject digest ${result.subjectDigest} matches the content`);
      io.out(`${result.entries} ledger entries included in the signed checkpoint of size ${result.treeSize}${result.pending > 0 ? `; ${result.pending} later records not covered yet` : ''}`);
      io.out('VALID');
      return ExitCode.Ok;
    }
    const gate = verifyGateDecision(envelope, keys);
    const digests = Object.entries(gate.subject.digest).map(([algorithm, value]) => `${algorithm}:${value}`).join(', ');
    io.out(`gate decision ${gate.decisionId}: ${gate.model} ${gate.candidate} → ${gate.decision.toUpperCase()} at ${gate.decidedAt}`);
    io.out(`signature valid (key ${gate.keyId}); subject ${gate.subject.name} ${digests}`);
    for (const reason of gate.reasons) io.out(`  ${reason.outcome.toUpperCase()} ${reason.check}: ${reason.reason}`);
    io.out(`VALID, decision ${gate.decision.toUpperCase()}`);
    return gate.decision === 'pass' ? ExitCode.Ok : gate.decision === 'fail' ? ExitCode.Failed : ExitCode.Insufficient;
  } catch (error) {
    if (error instanceof InvalidReportError || error instanceof InvalidGateDecisionError || error instanceof VerificationError) {
      io.err(`INVALID: ${error.message}`);
      return ExitCode.Failed;
    }
    io.err(`${name}: ${(error as Error).message}`);
    return ExitCode.Error;
  }
}
