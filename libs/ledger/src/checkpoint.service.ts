import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { LedgerRepository } from '@assay/db';
import { encodeCheckpointBody, signCheckpoint } from '@assay/provenance';
import { LedgerProofService } from './ledger-proof.service.js';
import { SigningService } from './signing.service.js';

export type CheckpointOutcome =
  | { signed: true; treeSize: number }
  | { signed: false; treeSize: number; reason: 'unchanged' | 'signed-elsewhere' };

@Injectable()
export class CheckpointService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ledger: LedgerRepository,
    private readonly proofs: LedgerProofService,
    private readonly signing: SigningService,
  ) {}

  /** Signs a C2SP checkpoint of the committed log when it has grown since the latest one. */
  async signIfGrown(): Promise<CheckpointOutcome> {
    const [size, latest] = await Promise.all([this.ledger.size(), this.ledger.latestCheckpoint()]);
    if (size === 0 || (latest !== null && latest.treeSize >= size)) return { signed: false, treeSize: size, reason: 'unchanged' };
    const rootHash = await this.proofs.rootAt(size);
    const origin = this.config.ledger.origin;
    const signer = this.signing.signer();
    const note = await signCheckpoint(encodeCheckpointBody({ origin, treeSize: size, rootHash }), origin, signer);
    const stored = await this.ledger.insertCheckpoint({ treeSize: size, rootHash, note, keyId: signer.keyId });
    return stored ? { signed: true, treeSize: size } : { signed: false, treeSize: size, reason: 'signed-elsewhere' };
  }
}
