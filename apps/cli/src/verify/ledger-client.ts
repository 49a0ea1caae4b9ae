// HTTP access to a ledger for the offline verifiers: fetch only, no Nest.
export class LedgerClientError extends Error {}

export interface PublishedCheckpoint {
  treeSize: number;
  rootHash: string;
  note: string;
}

export interface PublishedEntry {
  index: number;
  kind: string;
  leafHash: string;
  entry: string;
  treeSize?: number;
  inclusionProof: string[];
}

export interface PublishedKey {
  keyId: string;
  algorithm: string;
  publicKeyPem: string;
}

export class LedgerClient {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
  ) {}

  checkpoint(): Promise<PublishedCheckpoint> {
    return this.get('/v1/ledger/checkpoint');
  }

  entry(index: number, treeSize: number): Promise<PublishedEntry> {
    return this.get(`/v1/ledger/entries/${index}?treeSize=${treeSize}`);
  }

  async consistency(from: number, to: number): Promise<string[]> {
    return (await this.get<{ proof: string[] }>(`/v1/ledger/consistency?from=${from}&to=${to}`)).proof;
  }

  async signingKeys(): Promise<PublishedKey[]> {
    return (await this.get<{ keys: PublishedKey[] }>('/v1/signing-keys')).keys;
  }

  private async get<T>(path: string): Promise<T> {
    const url = new URL(path, this.baseUrl.endsWith('/') ? this.baseUrl : `${this.baseUrl}/`);
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${this.key}` }, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new LedgerClientError(`GET ${url.pathname} failed: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new LedgerClientError(`GET ${url.pathname} answered ${response.status}: ${text.slice(0, 300)}`);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new LedgerClientError(`GET ${url.pathname} did not answer JSON`);
    }
  }
}
