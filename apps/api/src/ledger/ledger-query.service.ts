import { Injectable } from '@nestjs/common';
import { Role, type LedgerCheckpointEntity } from '@assay/db';
import { LedgerAuditService, LedgerProofService, type LedgerAuditReport } from '@assay/ledger';
import { badInput, notFound, type Principal } from '@assay/common';
import type { CheckpointDto, ConsistencyDto, LedgerEntryDto } from './ledger.dto.js';

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

@Injectable()
export class LedgerQueryService {
  constructor(
    private readonly proofs: LedgerProofService,
    private readonly audit: LedgerAuditService,
  ) {}

  async checkpoint(): Promise<CheckpointDto> {
    const latest = await this.proofs.latestCheckpoint();
    if (latest === null) throw notFound('ledger checkpoint (none signed yet)');
    return { treeSize: latest.treeSize, rootHash: base64(latest.rootHash), note: latest.note };
  }

  // Entries of other projects are 404 for project-scoped keys; entries with no project (keys,
  // projects, signing keys) are everyone's. The proof itself is only hashes.
  async entry(principal: Principal, index: number, requestedTreeSize?: number): Promise<LedgerEntryDto> {
    const [entry, size, latest] = await Promise.all([
      this.proofs.findEntry(index),
      this.proofs.size(),
      requestedTreeSize === undefined ? this.proofs.latestCheckpoint() : null,
    ]);
    const visible =
      entry !== null && (principal.role === Role.Admin || entry.projectId === null || entry.projectId === principal.projectId);
    if (!visible) throw notFound(`ledger entry ${index}`);
    const treeSize = requestedTreeSize ?? defaultTreeSize(index, latest);
    if (treeSize <= index) throw badInput(`treeSize must be above the index ${index}`);
    if (treeSize > size) throw badInput(`treeSize ${treeSize} is beyond the current log size ${size}`);
    return {
      index: entry.index,
      kind: entry.kind,
      leafHash: entry.leafHash.toString('hex'),
      entry: entry.entry,
      treeSize,
      inclusionProof: (await this.proofs.inclusionProof(index, treeSize)).map(base64),
    };
  }

  async consistency(from: number, to: number): Promise<ConsistencyDto> {
    if (from > to) throw badInput(`from (${from}) must not exceed to (${to})`);
    const size = await this.proofs.size();
    if (to > size) throw badInput(`to ${to} is beyond the current log size ${size}`);
    return { proof: (await this.proofs.consistencyProof(from, to)).map(base64) };
  }

  verify(): Promise<LedgerAuditReport> {
    return this.audit.verify();
  }
}

function defaultTreeSize(index: number, latest: LedgerCheckpointEntity | null): number {
  if (latest === null || latest.treeSize <= index) {
    throw notFound(`ledger entry ${index} in a signed checkpoint (not covered yet; pass treeSize up to the current size)`);
  }
  return latest.treeSize;
}
