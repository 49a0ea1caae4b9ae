import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LedgerRepository } from '@assay/db';
import { encodeLedgerEntry, type LedgerRecord } from './ledger-record.js';

export interface AppendedEntry {
  index: number;
  /** Lowercase hex SHA-256 leaf hash (RFC 6962: over 0x00 || entry). */
  leafHash: string;
}

@Injectable()
export class LedgerService {
  constructor(private readonly ledger: LedgerRepository) {}

  /**
   * Appends inside the caller's transaction when `manager` is given, so the record and its ledger
   * entry commit (or roll back) together. The head row stays locked until that transaction ends:
   * keep such transactions short.
   */
  async append(record: LedgerRecord, manager?: EntityManager): Promise<AppendedEntry> {
    const [appended] = await this.appendMany([record], manager);
    return appended!;
  }

  /** One round trip for the whole batch; indexes are consecutive, in the order given. */
  async appendMany(records: readonly LedgerRecord[], manager?: EntityManager): Promise<AppendedEntry[]> {
    const recordedAt = new Date();
    const rows = records.map((record) => {
      const { text, leafHash } = encodeLedgerEntry(record, recordedAt);
      return { kind: record.kind, projectId: record.projectId, subject: record.subject, entry: text, leafHash };
    });
    const appended = await this.ledger.appendMany(rows, manager);
    return appended.map((leaf) => ({ index: leaf.index, leafHash: leaf.leafHash.toString('hex') }));
  }
}
