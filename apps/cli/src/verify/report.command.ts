// `assay verify report FILE --key PEM | --keys-url URL [--api-key KEY]`
import fs from 'node:fs';
import { VerificationError } from '@assay/provenance';
import { InvalidReportError, verifyReport } from './report-verify.js';

export const VERIFY_REPORT_USAGE = `usage: assay verify report FILE (--key PEM [--key PEM ...] | --keys-url URL [--api-key KEY])
  FILE is the JSON report (GET /v1/reports/:id with Accept: application/json). With --key the check is
  fully offline; --keys-url fetches the published keys (e.g. https://assay.example/v1/signing-keys,
  which takes --api-key or ASSAY_KEY).
exit codes: 0 valid, 1 invalid, 2 error
`;

export interface ReportIo {
  out(line: string): void;
  err(line: string): void;
}

const stdio: ReportIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

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
    if (flag === '--key') keyFiles.push(value());
    else if (flag === '--keys-url') keysUrl = value();
    else if (flag === '--api-key') apiKey = value();
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError('name one report FILE');
  if (keyFiles.length === 0 && keysUrl === null) throw new UsageError('give --key PEM or --keys-url URL');
  return { file: positional[0]!, keyFiles, keysUrl, apiKey };
}

async function publishedKeys(url: string, apiKey: string | null): Promise<Array<{ keyId: string; publicKeyPem: string }>> {
  const response = await fetch(url, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}, signal: AbortSignal.timeout(30_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const body = (await response.json()) as { keys?: Array<{ keyId: string; publicKeyPem: string; algorithm?: string }> };
  return (body.keys ?? []).filter((k) => (k.algorithm ?? 'ed25519') === 'ed25519').map((k) => ({ keyId: k.keyId, publicKeyPem: k.publicKeyPem }));
}

export async function runVerifyReport(args: readonly string[], io: ReportIo = stdio): Promise<number> {
  let options: Options;
  try {
    options = parse(args);
  } catch (error) {
    io.err(`assay verify report: ${(error as Error).message}\n${VERIFY_REPORT_USAGE}`);
    return 2;
  }
  let envelope: unknown;
  let keys: Array<{ keyId?: string; publicKeyPem: string }>;
  try {
    envelope = JSON.parse(fs.readFileSync(options.file, 'utf8'));
    keys = options.keyFiles.map((file) => ({ publicKeyPem: fs.readFileSync(file, 'utf8') }));
    if (options.keysUrl) keys.push(...(await publishedKeys(options.keysUrl, options.apiKey)));
    if (keys.length === 0) throw new Error('no Ed25519 keys to verify with');
  } catch (error) {
    io.err(`assay verify report: ${(error as Error).message}`);
    return 2;
  }
  try {
    const result = verifyReport(envelope, keys);
    io.out(`report ${result.reportId}: model ${result.model}, ${result.period.from} – ${result.period.to}`);
    io.out(`signature valid (key ${result.keyId}); subject digest ${result.subjectDigest} matches the content`);
    io.out(`${result.entries} ledger entries included in the signed checkpoint of size ${result.treeSize}${result.pending > 0 ? `; ${result.pending} later records not covered yet` : ''}`);
    io.out('VALID');
    return 0;
  } catch (error) {
    if (error instanceof InvalidReportError || error instanceof VerificationError) {
      io.err(`INVALID: ${error.message}`);
      return 1;
    }
    io.err(`assay verify report: ${(error as Error).message}`);
    return 2;
  }
}
