import fs from 'node:fs';
import { keyIdOf, parseCheckpoint, verifyCheckpoint, type Checkpoint } from '@assay/provenance';
import type { LedgerClient } from './ledger-client.js';

export class InvalidLedgerError extends Error {}

export interface VerifiedCheckpoint extends Required<Checkpoint> {
  note: string;
  keyId: string;
}

// Trust comes from --public-key when given; otherwise from the keys the service publishes (which
// proves the note was signed by a key of that service, not that the service is honest: pin a key
// with --public-key for that).
export async function fetchVerifiedCheckpoint(client: LedgerClient, publicKeyFile: string | null): Promise<VerifiedCheckpoint> {
  const published = await client.checkpoint();
  const candidates =
    publicKeyFile !== null
      ? [fs.readFileSync(publicKeyFile, 'utf8')]
      : (await client.signingKeys()).filter((k) => k.algorithm === 'ed25519').map((k) => k.publicKeyPem);
  let origin: string;
  try {
    origin = parseCheckpoint(published.note).origin;
  } catch (error) {
    throw new InvalidLedgerError(`the checkpoint note is malformed: ${(error as Error).message}`);
  }
  const failures: string[] = [];
  for (const publicKeyPem of candidates) {
    try {
      const checkpoint = verifyCheckpoint(published.note, { keyName: origin, publicKeyPem });
      if (checkpoint.treeSize !== published.treeSize || Buffer.from(checkpoint.rootHash).toString('base64') !== published.rootHash) {
        throw new InvalidLedgerError('the checkpoint fields differ from its signed note');
      }
      return { ...checkpoint, note: published.note, keyId: keyIdOf(publicKeyPem) };
    } catch (error) {
      if (error instanceof InvalidLedgerError) throw error;
      failures.push((error as Error).message);
    }
  }
  throw new InvalidLedgerError(
    `the checkpoint is not signed by ${publicKeyFile !== null ? `the key in ${publicKeyFile}` : 'any published signing key'}` +
      (failures.length > 0 ? ` (${failures[0]})` : ''),
  );
}
