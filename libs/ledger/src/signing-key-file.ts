import fs from 'node:fs';
import path from 'node:path';
import { loadOrCreateDevelopmentKey } from '@assay/config';
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

export function loadOrCreateDevelopmentSigner(dataDir: string): LoadedSigner {
  const key = loadOrCreateDevelopmentKey(
    dataDir,
    DEV_KEY_FILE,
    () => Ed25519Signer.generate().privateKeyPem(),
    (pem) => {
      try {
        return Ed25519Signer.fromPrivateKeyPem(pem);
      } catch {
        throw new Error(`development signing key ${path.join(dataDir, DEV_KEY_FILE)} is not an Ed25519 private key in PKCS#8 PEM; move it away to create a new one`);
      }
    },
  );
  return { signer: key.value, source: key.created ? 'development-created' : 'development-existing', file: key.file };
}
