import { requestJson } from './http-problem.js';
import { readUserFile } from './read-file.js';

export interface TrustedPublicKey {
  keyId?: string;
  publicKeyPem: string;
}

/** PEM files named on the command line, then the Ed25519 keys a `/v1/signing-keys` URL publishes. */
export async function trustedKeys(keyFiles: readonly string[], keysUrl: string | null, apiKey: string | null): Promise<TrustedPublicKey[]> {
  const keys: TrustedPublicKey[] = keyFiles.map((file) => ({ publicKeyPem: readUserFile(file, 'the key file ') }));
  if (keysUrl !== null) {
    const body = await requestJson<{ keys?: Array<{ keyId: string; publicKeyPem: string; algorithm?: string }> }>(keysUrl, apiKey, 'GET', '');
    keys.push(...(body.keys ?? []).filter((k) => (k.algorithm ?? 'ed25519') === 'ed25519').map((k) => ({ keyId: k.keyId, publicKeyPem: k.publicKeyPem })));
  }
  if (keys.length === 0) throw new Error('no Ed25519 keys to verify with');
  return keys;
}
