// `assay tiering`: the project's tiering report (GET /v1/tiering) as a journey table, or its JSON.
import type { TieringReport } from '@assay/tiering';
import { stdio, type CliIo } from '../client/cli-io.js';
import { ExitCode } from '../client/exit-code.js';
import { RequestError, requestJson } from '../client/http-problem.js';
import { tieringTable } from './tiering-table.js';

export const TIERING_USAGE = `usage: assay tiering --url URL --key KEY [--from ISO --to ISO] [--margin M] [--alpha A] [--json]
  prints, per journey, its calls, spend and models, and each cheaper model's verdict (switch, keep,
  insufficient) in one sentence; --json prints the report as the API gives it. The window defaults to
  the server's (the 30 days before --to, or before now); margin and alpha to the project's tiering settings. Needs an owner or auditor key.
  ASSAY_URL and ASSAY_KEY stand in for --url and --key.
exit codes: 0 done, 3 usage or error (unreachable server, refused key, bad option)`;

class UsageError extends Error {}

interface TieringOptions {
  url: string;
  key: string;
  from: string | null;
  to: string | null;
  margin: string | null;
  alpha: string | null;
  json: boolean;
}

function isoOf(value: string, flag: string): string {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) throw new UsageError(`${flag} must be an ISO 8601 date or date-time, e.g. 2026-11-01T00:00:00Z`);
  return new Date(ms).toISOString();
}

export function parseTieringArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): TieringOptions {
  const given: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') {
      json = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (!['--url', '--key', '--from', '--to', '--margin', '--alpha'].includes(flag)) throw new UsageError(`unknown argument ${arg}`);
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    given[flag.slice(2)] = value;
  }
  const url = given.url ?? env.ASSAY_URL;
  const key = given.key ?? env.ASSAY_KEY;
  if (!url) throw new UsageError('give --url or ASSAY_URL');
  if (!key) throw new UsageError('give --key or ASSAY_KEY');
  const to = given.to !== undefined ? isoOf(given.to, '--to') : null;
  const from = given.from !== undefined ? isoOf(given.from, '--from') : null;
  for (const name of ['margin', 'alpha'] as const) {
    if (given[name] !== undefined && !Number.isFinite(Number(given[name]))) throw new UsageError(`--${name} must be a number`);
  }
  return { url, key, from, to, margin: given.margin ?? null, alpha: given.alpha ?? null, json };
}

export async function runTiering(args: readonly string[], io: CliIo = stdio()): Promise<ExitCode> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(TIERING_USAGE);
    return ExitCode.Ok;
  }
  let options: TieringOptions;
  try {
    options = parseTieringArgs(args);
  } catch (error) {
    io.err(`assay tiering: ${(error as Error).message}\n${TIERING_USAGE}`);
    return ExitCode.Error;
  }
  const query = new URLSearchParams();
  if (options.from !== null) query.set('from', options.from);
  if (options.to !== null) query.set('to', options.to);
  if (options.margin !== null) query.set('margin', options.margin);
  if (options.alpha !== null) query.set('alpha', options.alpha);
  try {
    const report = await requestJson<TieringReport>(options.url, options.key, 'GET', `v1/tiering?${query}`, { timeoutMs: 120_000 });
    if (options.json) io.out(JSON.stringify(report, null, 2));
    else for (const line of tieringTable(report)) io.out(line);
    return ExitCode.Ok;
  } catch (error) {
    io.err(`assay tiering: ${error instanceof RequestError ? error.message : (error as Error).message}`);
    return ExitCode.Error;
  }
}
