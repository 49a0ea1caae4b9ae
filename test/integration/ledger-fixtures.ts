import type { DataSource } from 'typeorm';
import { LedgerRepository } from '@assay/db';
import { createIsolatedDatabase, type IsolatedDatabase } from '@assay/testing';
import { LedgerKind, LedgerService, type LedgerRecord } from '@assay/ledger';

export type LedgerDatabase = IsolatedDatabase;
export const createLedgerDatabase = createIsolatedDatabase;
export { withDatabase } from '@assay/testing';

export function ledgerServiceOn(dataSource: DataSource): LedgerService {
  return new LedgerService(new LedgerRepository(dataSource));
}

export function sampleRecord(i: number, projectId: string | null = null): LedgerRecord {
  return { kind: LedgerKind.CheckRun, projectId, subject: `check-run/${i}`, body: { i, verdict: i % 3 === 0 ? 'drift' : 'ok' } };
}
