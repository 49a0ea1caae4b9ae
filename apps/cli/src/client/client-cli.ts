// The commands a CI runner or an auditor needs: `gate`, `verify` and `tiering`. They load only the provenance
// library and Node's own modules, so the CLI package (npm run pack:cli) carries nothing of the server.
import { runGate } from '../gate/gate.command.js';
import { runTiering } from '../tiering/tiering.command.js';
import { runVerify } from '../verify/verify.command.js';
import { stdio, type CliIo } from './cli-io.js';
import { ExitCode } from './exit-code.js';

export const CLIENT_USAGE = `  gate --model M --candidate V    ask whether a candidate may be promoted (assay gate --help)
  verify ledger | entry INDEX     verify the signed ledger against the server's checkpoints (assay verify --help)
  verify [report | gate] FILE     verify a signed audit or tiering report, or a gate decision, offline
  tiering [--from --to --json]    which journeys could move to a cheaper model, and what it would save (assay tiering --help)
exit codes: 0 pass or valid, 1 fail or invalid, 2 insufficient evidence, 3 usage or error`;

/** The exit code, or null when `command` is not one of these. */
export async function runClientCommand(command: string | undefined, args: readonly string[], io: CliIo = stdio()): Promise<ExitCode | null> {
  if (command === 'gate') return runGate(args, io);
  if (command === 'verify') return runVerify(args, io);
  if (command === 'tiering') return runTiering(args, io);
  return null;
}

export async function runClientCli(argv: readonly string[], io: CliIo = stdio()): Promise<ExitCode> {
  const [command, ...rest] = argv;
  const code = await runClientCommand(command, rest, io);
  if (code !== null) return code;
  const usage = `usage: assay <command>\n\n${CLIENT_USAGE}`;
  if (command === '--help' || command === '-h' || command === 'help') {
    io.out(usage);
    return ExitCode.Ok;
  }
  io.err(`${command === undefined ? '' : `assay: unknown command "${command}" (this package has gate, verify and tiering; the server is the assay image or a clone)\n`}${usage}`);
  return ExitCode.Error;
}
