import { promises as dns, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { specialUseName, type AddressPolicy } from './address-policy.js';

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export interface WebhookClientOptions {
  timeoutMs: number;
  maxRedirects?: number;
  maxResponseBytes?: number;
  resolve?: Resolver;
}

export interface WebhookResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  /** At most maxResponseBytes of the body, for the delivery log. */
  body: string;
  url: string;
}

/** The destination may not be reached: never retried into success, so the caller can stop early. */
export class WebhookRefusedError extends Error {
  override name = 'WebhookRefusedError';
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const defaultResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

// Posts a webhook, checking every address it connects to against the policy after DNS resolution
// and on every redirect; the socket connects to exactly the checked address.
export class WebhookClient {
  private readonly maxRedirects: number;
  private readonly maxResponseBytes: number;
  private readonly resolve: Resolver;

  constructor(private readonly policy: AddressPolicy, private readonly options: WebhookClientOptions) {
    this.maxRedirects = options.maxRedirects ?? 3;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
    this.resolve = options.resolve ?? defaultResolver;
  }

  async post(target: string, body: string, headers: Record<string, string>): Promise<WebhookResponse> {
    const deadline = Date.now() + this.options.timeoutMs;
    let url = parseWebhookUrl(target);
    for (let redirects = 0; ; redirects++) {
      const address = await this.checkedAddress(url);
      const response = await this.send(url, address, body, headers, deadline);
      const location = response.headers.location;
      if (!REDIRECTS.has(response.statusCode) || !location) return response;
      if (redirects >= this.maxRedirects) throw new WebhookRefusedError(`more than ${this.maxRedirects} redirects`);
      url = parseWebhookUrl(new URL(location, url).toString());
    }
  }

  async checkedAddress(url: URL): Promise<LookupAddress> {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(hostname)) {
      const refusal = this.policy.refusal(hostname);
      if (refusal) throw new WebhookRefusedError(refusal);
      return { address: hostname, family: net.isIP(hostname) };
    }
    const nameRefusal = this.policy.nameRefusal(hostname);
    if (nameRefusal) throw new WebhookRefusedError(nameRefusal);
    const special = specialUseName(hostname);
    if (special?.kind === 'loopback') return special.addresses[0]!;
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(hostname);
    } catch (error) {
      throw new Error(`cannot resolve ${hostname}: ${(error as Error).message}`);
    }
    if (addresses.length === 0) throw new Error(`${hostname} has no addresses`);
    if (!this.policy.allowsName(hostname)) {
      for (const candidate of addresses) {
        const refusal = this.policy.refusal(candidate.address);
        if (refusal) throw new WebhookRefusedError(`${hostname} resolves to ${refusal}`);
      }
    }
    return addresses[0]!;
  }

  private send(url: URL, address: LookupAddress, body: string, headers: Record<string, string>, deadline: number): Promise<WebhookResponse> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return Promise.reject(new Error(`timed out after ${this.options.timeoutMs} ms`));
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<WebhookResponse>((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Assay-Webhooks/1' },
          lookup: ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
            if (options.all) callback(null, [address]);
            else callback(null, address.address, address.family);
          }) as unknown as net.LookupFunction,
          agent: false,
          signal: AbortSignal.timeout(remaining),
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size >= this.maxResponseBytes) return;
            chunks.push(chunk.subarray(0, this.maxResponseBytes - size));
            size += chunk.length;
            if (size >= this.maxResponseBytes) response.destroy();
          });
          const finish = (): void =>
            resolve({ statusCode: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), url: url.toString() });
          response.on('end', finish);
          response.on('close', finish);
          response.on('error', () => finish());
        },
      );
      request.on('error', (error: Error) =>
        reject(error.name === 'AbortError' || error.name === 'TimeoutError' ? new Error(`timed out after ${this.options.timeoutMs} ms`) : error),
      );
      request.end(body);
    });
  }
}

export function parseWebhookUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WebhookRefusedError(`"${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookRefusedError(`only http and https URLs are delivered to (got ${url.protocol})`);
  if (url.username || url.password) throw new WebhookRefusedError('URLs with credentials are not accepted');
  return url;
}
