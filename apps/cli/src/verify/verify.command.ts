import fs from 'node:fs';
import { leafHash, verifyConsistency, verifyInclusion } from '@assay/provenance';
import { stdio, type CliIo } from '../client/cli-io.js';
import { ExitCode } from '../client/exit-code.js';
import { runVerifyArtefact, VERIFY_ARTEFACT_USAGE } from './artefact.command.js';
import { fromBase64Strict } from './base64.js';
import { LedgerClient, LedgerClientError } from './ledger-client.js';
import { readLedgerState, writeLedgerState } from './ledger-state.js';
import { fetchVerifiedCheckpoint, InvalidLedgerError } from './trusted-checkpoint.js';
import { parseVerifyArgs, UsageError } from './verify-args.js';

export const VERIFY_USAGE = `usage:
  assay verify ledger --url URL --key KEY [--state FILE] [--public-key PEM]
      verifies the latest signed checkpoint and that the log only grew since the last one seen
      (kept in FILE, default ~/.assay/ledger-state.json)
  assay verify entry INDEX --url URL --key KEY [--public-key PEM]
      verifies that entry INDEX is in the log of the latest signed checkpoint
      (exit 2 when no checkpoint covers it yet)
  ASSAY_URL and ASSAY_KEY stand in for --url and --key.
${VERIFY_ARTEFACT_USAGE.replace(/^usage: /, '  ')}
exit codes: 0 valid, 1 invalid, 2 not decided yet (see above), 3 usage or error (unreachable server, refused key, unreadable file)`;

export type Output = CliIo;

export async function runVerify(args: readonly string[], io: Output = stdio()): Promise<ExitCode> {
  const [what, ...rest] = args;
  if (what === undefined || what === '--help' || what === '-h' || what === 'help') {
    (what === undefined ? io.err : io.out)(VERIFY_USAGE);
    return what === undefined ? ExitCode.Error : ExitCode.Ok;
  }
  if (what === 'report' || what === 'gate') return runVerifyArtefact(what, rest, io);
  if (what !== 'ledger' && what !== 'entry') {
    if (!what.startsWith('-') && fs.existsSync(what)) return runVerifyArtefact(null, args, io);
    io.err(`assay verify: "${what}" is neither ledger, entry, report, gate nor a file\n${VERIFY_USAGE}`);
    return ExitCode.Error;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(VERIFY_USAGE);
    return ExitCode.Ok;
  }
  try {
    return what === 'ledger' ? await verifyLedger(rest, io) : await verifyEntry(rest, io);
  } catch (error) {
    if (error instanceof InvalidLedgerError) {
      io.err(`INVALID: ${error.message}`);
      return ExitCode.Failed;
    }
    if (error instanceof UsageError) io.err(`assay verify: ${error.message}\n${VERIFY_USAGE}`);
    else if (error instanceof LedgerClientError) io.err(`assay verify: ${error.message}`);
    else io.err(`assay verify: ${(error as Error).message}`);
    return ExitCode.Error;
  }
}

async function verifyLedger(args: readonly string[], io: Output): Promise<ExitCode> {
  const options = parseVerifyArgs(args);
  if (options.positional.length > 0) throw new UsageError(`unexpected argument ${options.positional[0]}`);
  const client = new LedgerClient(options.url, options.key);
  const checkpoint = await fetchVerifiedCheckpoint(client, options.publicKeyFile);
  const rootHash = Buffer.from(checkpoint.rootHash).toString('base64');
  io.out(`checkpoint ${checkpoint.origin} size ${checkpoint.treeSize} root ${rootHash}: signature valid (key ${checkpoint.keyId})`);
  const previous = readLedgerState(options.statePath, options.url);
  if (previous === null) {
    io.out('no earlier checkpoint of this log in the state file: consistency starts from here');
  } else {
    if (previous.origin !== checkpoint.origin) {
      throw new InvalidLedgerError(`the log's origin changed from ${previous.origin} to ${checkpoint.origin}`);
    }
    if (checkpoint.treeSize < previous.treeSize) {
      throw new InvalidLedgerError(`the log shrank from ${previous.treeSize} to ${checkpoint.treeSize} entries`);
    }
    const proof = checkpoint.treeSize === previous.treeSize ? [] : await client.consistency(previous.treeSize, checkpoint.treeSize);
    const consistent = verifyConsistency(
      previous.treeSize,
      checkpoint.treeSize,
      fromBase64Strict(previous.rootHash, 'the state file root'),
      checkpoint.rootHash,
      proof.map((p) => fromBase64Strict(p, 'a consistency proof element')),
    );
    if (!consistent) {
      throw new InvalidLedgerError(
        `size ${checkpoint.treeSize} is not an append-only extension of the size ${previous.treeSize} seen at ${previous.verifiedAt}`,
      );
    }
    io.out(`consistent with the checkpoint of size ${previous.treeSize} seen at ${previous.verifiedAt}`);
  }
  writeLedgerState(options.statePath, options.url, {
    origin: checkpoint.origin,
    treeSize: checkpoint.treeSize,
    rootHash,
    keyId: checkpoint.keyId,
    verifiedAt: new Date().toISOString(),
  });
  io.out('VALID');
  return ExitCode.Ok;
}

async function verifyEntry(args: readonly string[], io: Output): Promise<ExitCode> {
  const options = parseVerifyArgs(args);
  const [indexText, ...extra] = options.positional;
  if (indexText === undefined || !/^(0|[1-9][0-9]{0,15})$/.test(indexText)) throw new UsageError('INDEX must be a non-negative whole number');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
  const index = Number(indexText);
  const client = new LedgerClient(options.url, options.key);
  const checkpoint = await fetchVerifiedCheckpoint(client, options.publicKeyFile);
  if (index >= checkpoint.treeSize) {
    io.err(`assay verify: entry ${index} is not covered by the latest checkpoint (size ${checkpoint.treeSize}) yet; try again after the next checkpoint`);
    return ExitCode.Insufficient;
  }
  const entry = await client.entry(index, checkpoint.treeSize);
  const recomputed = leafHash(Buffer.from(entry.entry, 'utf8'));
  if (Buffer.from(recomputed).toString('hex') !== entry.leafHash || entry.index !== index) {
    throw new InvalidLedgerError(`entry ${index} does not hash to the leaf hash served with it`);
  }
  const proof = entry.inclusionProof.map((p) => fromBase64Strict(p, 'an inclusion proof element'));
  if (!verifyInclusion(index, checkpoint.treeSize, recomputed, proof, checkpoint.rootHash)) {
    throw new InvalidLedgerError(`entry ${index} is not in the log of the signed checkpoint of size ${checkpoint.treeSize}`);
  }
  io.out(`entry ${index} (${entry.kind}) is included in checkpoint ${checkpoint.origin} size ${checkpoint.treeSize}`);
  io.out(entry.entry);
  io.out('VALID');
  return ExitCode.Ok;
}
