// HTTP access to a ledger for the offline verifiers: fetch only, no Nest.
import { requestJson } from '../client/http-problem.js';

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
    try {
      return await requestJson<T>(this.baseUrl, this.key, 'GET', path.replace(/^\//, ''));
    } catch (error) {
      throw new LedgerClientError((error as Error).message);
    }
  }
}
