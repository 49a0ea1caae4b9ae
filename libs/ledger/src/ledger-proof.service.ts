import { Injectable } from '@nestjs/common';
import { LedgerRepository, type LedgerCheckpointEntity, type LedgerEntryRow } from '@assay/db';
import {
  consistencyProof,
  consistencyProofPlan,
  inclusionProof,
  inclusionProofPlan,
  nodeStoreOf,
  rootAt,
  rootPlan,
} from '@assay/provenance';

export interface EntryWithProof {
  entry: LedgerEntryRow;
  treeSize: number;
  inclusionProof: Uint8Array[];
}

/** Roots and proofs from the stored perfect subtrees: O(log n) rows in one query each, no rehashing. */
@Injectable()
export class LedgerProofService {
  constructor(private readonly ledger: LedgerRepository) {}

  size(): Promise<number> {
    return this.ledger.size();
  }

  latestCheckpoint(): Promise<LedgerCheckpointEntity | null> {
    return this.ledger.latestCheckpoint();
  }

  findEntry(index: number): Promise<LedgerEntryRow | null> {
    return this.ledger.findEntry(index);
  }

  /** Callers check 0 < treeSize ≤ size() and index < treeSize first. */
  async inclusionProof(index: number, treeSize: number): Promise<Uint8Array[]> {
    const nodes = await this.ledger.findNodes(inclusionProofPlan(index, treeSize));
    return inclusionProof(index, treeSize, nodeStoreOf(nodes));
  }

  /** Callers check from ≤ to ≤ size() first. */
  async consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    const nodes = await this.ledger.findNodes(consistencyProofPlan(from, to));
    return consistencyProof(from, to, nodeStoreOf(nodes));
  }

  async rootAt(treeSize: number): Promise<Uint8Array> {
    const nodes = await this.ledger.findNodes(rootPlan(treeSize));
    return rootAt(treeSize, nodeStoreOf(nodes));
  }
}
