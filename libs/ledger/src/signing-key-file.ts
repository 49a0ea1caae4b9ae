import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Ed25519Signer } from '@assay/provenance';

export const DEV_KEY_FILE = 'signing-key.pem';

export interface LoadedSigner {
  signer: Ed25519Signer;
  source: 'configured' | 'development-existing' | 'development-created';
  file: string;
}

export function loadConfiguredSigner(file: string): LoadedSigner {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`ASSAY_SIGNING_KEY_FILE ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return { signer: Ed25519Signer.fromPrivateKeyPem(pem), source: 'configured', file };
  } catch {
    // The parse error could quote key material; name the file only.
    throw new Error(`ASSAY_SIGNING_KEY_FILE ${file} is not an Ed25519 private key in PKCS#8 PEM`);
  }
}

// The key is written to a private temporary file and then hard-linked into place: link() creates
// the name exclusively and atomically, so of two processes starting together exactly one key wins,
// and nobody ever reads a half-written file.
export function loadOrCreateDevelopmentSigner(dataDir: string): LoadedSigner {
  const file = path.join(dataDir, DEV_KEY_FILE);
  const existing = readIfPresent(file);
  if (existing !== null) return { signer: existing, source: 'development-existing', file };
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const candidate = Ed25519Signer.generate();
  const temporary = path.join(dataDir, `.${DEV_KEY_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const fd = fs.openSync(temporary, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, candidate.privateKeyPem());
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temporary, file);
    return { signer: candidate, source: 'development-created', file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = readIfPresent(file);
    if (winner === null) throw new Error(`development signing key ${file} vanished while starting`);
    return { signer: winner, source: 'development-existing', file };
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

function readIfPresent(file: string): Ed25519Signer | null {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return Ed25519Signer.fromPrivateKeyPem(pem);
  } catch {
    throw new Error(`development signing key ${file} is not an Ed25519 private key in PKCS#8 PEM; move it away to create a new one`);
  }
}
