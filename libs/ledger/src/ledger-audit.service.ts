import { Injectable } from '@nestjs/common';
import { LedgerRepository, SigningKeyRepository, type LedgerCheckpointEntity } from '@assay/db';
import { bytesEqualOf } from './bytes.js';
import { leafHash, parseCheckpoint, verifyCheckpoint } from '@assay/provenance';
import { MerkleFrontier } from './merkle-frontier.js';

export interface LedgerAuditReport {
  valid: boolean;
  /** Entries re-hashed (the committed size when the check started). */
  treeSize: number;
  checkpointsChecked: number;
  /** The lowest index found wrong: its entry, its leaf, or the first entry after the last checkpoint that still matched. */
  firstBadIndex: number | null;
  problem: string | null;
}

const BATCH = 5000;

/**
 * The tamper check: re-hashes every stored entry in index order (streamed in batches, O(log n)
 * memory), compares each with its stored leaf hash and level-0 node, and compares the recomputed
 * root with every signed checkpoint, whose signatures are verified against the published keys.
 */
@Injectable()
export class LedgerAuditService {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly keys: SigningKeyRepository,
  ) {}

  async verify(): Promise<LedgerAuditReport> {
    const treeSize = await this.ledger.size();
    const checkpoints = (await this.ledger.listCheckpoints()).filter((c) => c.treeSize <= treeSize);
    const report = (checked: number, firstBadIndex: number | null, problem: string | null): LedgerAuditReport => ({
      valid: problem === null,
      treeSize,
      checkpointsChecked: checked,
      firstBadIndex,
      problem,
    });
    const signed = await this.signedRoots(checkpoints);
    if ('problem' in signed) return report(0, signed.treeSize === 0 ? 0 : signed.treeSize - 1, signed.problem);

    const frontier = new MerkleFrontier();
    let next = 0;
    let lastGoodCheckpoint = 0;
    let checked = 0;
    const pending = signed.roots;
    while (next < treeSize) {
      const batch = await this.ledger.findLeavesFrom(next, Math.min(BATCH, treeSize - next));
      if (batch.length === 0) return report(checked, next, `entry ${next} is missing`);
      for (const row of batch) {
        if (row.index !== next) return report(checked, next, `entry ${next} is missing`);
        const recomputed = leafHash(Buffer.from(row.entry, 'utf8'));
        if (!bytesEqualOf(recomputed, row.leafHash)) {
          return report(checked, next, `entry ${next} no longer hashes to its stored leaf hash`);
        }
        if (row.nodeHash === null || !bytesEqualOf(recomputed, row.nodeHash)) {
          return report(checked, next, `entry ${next} does not match its stored level-0 node`);
        }
        frontier.append(recomputed);
        next += 1;
        while (pending.length > 0 && pending[0]!.treeSize === next) {
          const checkpoint = pending.shift()!;
          if (!bytesEqualOf(frontier.root(), checkpoint.rootHash)) {
            return report(
              checked,
              lastGoodCheckpoint,
              `the first ${checkpoint.treeSize} entries no longer hash to the root of their signed checkpoint; ` +
                `the change is at or after index ${lastGoodCheckpoint}`,
            );
          }
          checked += 1;
          lastGoodCheckpoint = checkpoint.treeSize;
        }
      }
    }
    return report(checked, null, null);
  }

  // A checkpoint's root is only trusted through its note's signature, so a rewritten root column
  // cannot vouch for a rewritten log.
  private async signedRoots(
    checkpoints: LedgerCheckpointEntity[],
  ): Promise<{ roots: Array<{ treeSize: number; rootHash: Uint8Array }> } | { problem: string; treeSize: number }> {
    const keys = new Map((await this.keys.list()).map((key) => [key.keyId, key.publicKeyPem]));
    const roots: Array<{ treeSize: number; rootHash: Uint8Array }> = [];
    for (const checkpoint of checkpoints) {
      const publicKeyPem = keys.get(checkpoint.keyId);
      if (publicKeyPem === undefined) {
        return { problem: `checkpoint ${checkpoint.treeSize} names unknown key ${checkpoint.keyId}`, treeSize: checkpoint.treeSize };
      }
      try {
        const keyName = parseCheckpoint(checkpoint.note).origin;
        const verified = verifyCheckpoint(checkpoint.note, { keyName, publicKeyPem });
        if (verified.treeSize !== checkpoint.treeSize || !bytesEqualOf(verified.rootHash, checkpoint.rootHash)) {
          return { problem: `checkpoint ${checkpoint.treeSize} differs from its signed note`, treeSize: checkpoint.treeSize };
        }
        roots.push({ treeSize: verified.treeSize, rootHash: verified.rootHash });
      } catch (error) {
        return { problem: `checkpoint ${checkpoint.treeSize} is not validly signed: ${(error as Error).message}`, treeSize: checkpoint.treeSize };
      }
    }
    return { roots };
  }
}
