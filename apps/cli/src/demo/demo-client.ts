export class DemoApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 400)}`);
  }
}

/** The demo talks to Assay over HTTP like any client: the same routes, keys and checks. */
export class DemoClient {
  constructor(readonly baseUrl: string) {}

  async request<T>(method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${key}`, ...headers }, signal: AbortSignal.timeout(30_000) };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, init);
    const text = await response.text();
    if (!response.ok && response.status !== 202) throw new DemoApiError(response.status, method, path, text);
    return (text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text) as T;
  }

  get<T>(path: string, key: string, headers?: Record<string, string>): Promise<T> {
    return this.request<T>('GET', path, key, undefined, headers);
  }

  post<T>(path: string, key: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    return this.request<T>('POST', path, key, body ?? {}, headers);
  }

  put<T>(path: string, key: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, key, body);
  }

  patch<T>(path: string, key: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, key, body);
  }
}

export async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
