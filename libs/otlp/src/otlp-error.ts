export type OtlpErrorKind = 'bad_request' | 'too_large' | 'unsupported_encoding';

/** A request the OTLP receiver must refuse; `kind` picks the HTTP status (400, 413, 415). */
export class OtlpError extends Error {
  override readonly name = 'OtlpError';

  constructor(
    readonly kind: OtlpErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export function badRequest(path: string, reason: string): OtlpError {
  return new OtlpError('bad_request', path ? `${path}: ${reason}` : reason);
}
