// Messages for what went wrong talking to Assay, each naming the likely fix.

const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is Assay running there, and is the URL right?)',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved right now (DNS)',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed (set NODE_EXTRA_CA_CERTS to trust it)',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is self-signed (set NODE_EXTRA_CA_CERTS to trust it)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified (set NODE_EXTRA_CA_CERTS to trust its issuer)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another host name',
};

/** Why fetch() threw: `cannot reach http://host:port: connection refused (…)`. */
export function unreachable(url: URL, error: unknown): string {
  const failure = error as Error & { cause?: { code?: string; message?: string } };
  if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return `cannot reach ${url.origin}: no answer within the timeout`;
  const code = failure.cause?.code;
  const reason = (code && NETWORK_REASONS[code]) ?? failure.cause?.message ?? failure.message;
  return `cannot reach ${url.origin}: ${reason}`;
}

/** A non-2xx answer: what it means for the caller. */
export function refused(method: string, url: URL, status: number, message: string): string {
  const said = message ? `: ${message}` : '';
  if (status === 401) return `the key was refused (401)${said} — check --key or ASSAY_KEY`;
  if (status === 403) return `the key may not do this (403)${said} — use a key of a role that may`;
  if (status === 404) return `${method} ${url.pathname} was not found (404)${said} — is ${url.origin} the Assay API, and do the names exist?`;
  if (status === 429) return `too many requests (429)${said} — retry later`;
  if (status >= 500) return `${url.origin} failed (${status})${said}`;
  return `${method} ${url.pathname} answered ${status}${said}`;
}

/** The `message` of an Assay error body, else the start of the text. */
export function messageOf(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    if (message !== undefined) return Array.isArray(message) ? message.join('; ') : String(message);
  } catch {
    // not JSON: the text itself
  }
  return text.slice(0, 300);
}

export class RequestError extends Error {}

/** GET or POST JSON to Assay with a bearer key; RequestError with a message naming the fix. */
export async function requestJson<T>(
  baseUrl: string,
  key: string | null,
  method: string,
  route: string,
  options: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<T> {
  let url: URL;
  try {
    url = new URL(route, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    throw new RequestError(`"${baseUrl}" is not a URL`);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    throw new RequestError(unreachable(url, error));
  }
  const text = await response.text();
  if (!response.ok) throw new RequestError(refused(method, url, response.status, messageOf(text)));
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new RequestError(`${method} ${url.pathname} did not answer JSON — is ${url.origin} the Assay API?`);
  }
}
