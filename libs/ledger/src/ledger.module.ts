import { Global, Module } from '@nestjs/common';
import { CheckpointService } from './checkpoint.service.js';
import { LedgerAuditService } from './ledger-audit.service.js';
import { LedgerProofService } from './ledger-proof.service.js';
import { LedgerService } from './ledger.service.js';
import { SigningService } from './signing.service.js';

const PROVIDERS = [LedgerService, SigningService, LedgerProofService, CheckpointService, LedgerAuditService];

// Global: every app records into the ledger and signs with the one configured key.
@Global()
@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class LedgerModule {}
