import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { OtlpError } from './otlp-error.js';

/**
 * Undoes the Content-Encoding of an OTLP/HTTP body. zlib stops as soon as the output would pass
 * `maxBytes`, so a gzip bomb costs at most `maxBytes` of memory before it is refused.
 */
export function inflateBody(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Buffer {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  switch (encoding) {
    case '':
    case 'identity':
      if (body.length > maxBytes) throw tooLarge(maxBytes);
      return body;
    case 'gzip':
    case 'x-gzip':
      return inflateWith(() => gunzipSync(body, { maxOutputLength: maxBytes }), 'gzip', maxBytes);
    case 'deflate':
      return inflateWith(() => inflateDeflate(body, maxBytes), 'deflate', maxBytes);
    default:
      throw new OtlpError('unsupported_encoding', `unsupported Content-Encoding "${contentEncoding}" (use gzip, deflate or identity)`);
  }
}

// RFC 9110 deflate is the zlib format, but some clients send a raw deflate stream.
function inflateDeflate(body: Buffer, maxBytes: number): Buffer {
  try {
    return inflateSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'Z_DATA_ERROR') throw error;
    return inflateRawSync(body, { maxOutputLength: maxBytes });
  }
}

function inflateWith(inflate: () => Buffer, encoding: string, maxBytes: number): Buffer {
  try {
    return inflate();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes);
    throw new OtlpError('bad_request', `invalid ${encoding} body: ${(error as Error).message}`);
  }
}

function tooLarge(maxBytes: number): OtlpError {
  return new OtlpError('too_large', `body exceeds ${maxBytes} bytes after decompression`);
}
