export const VerificationFailure = {
  /** The input is not the format it claims to be (bad JSON shape, bad base64, bad note layout). */
  Malformed: 'malformed',
  /** A signature from a trusted key did not verify. */
  BadSignature: 'bad-signature',
  /** No signature could be checked against, or verified by, any trusted key. */
  NoTrustedSignature: 'no-trusted-signature',
  /** The signature verified but the signed content is not what the caller asked for. */
  UnexpectedContent: 'unexpected-content',
} as const;
export type VerificationFailure = (typeof VerificationFailure)[keyof typeof VerificationFailure];

export class VerificationError extends Error {
  override readonly name = 'VerificationError';

  constructor(
    readonly failure: VerificationFailure,
    message: string,
  ) {
    super(message);
  }
}
