import { InvalidLedgerError } from './trusted-checkpoint.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function fromBase64Strict(text: string, what: string): Uint8Array {
  if (typeof text !== 'string' || !BASE64.test(text)) throw new InvalidLedgerError(`${what} is not base64`);
  return Buffer.from(text, 'base64');
}
