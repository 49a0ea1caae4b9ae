import { Module } from '@nestjs/common';
import { LedgerQueryService } from './ledger-query.service.js';
import { LedgerController } from './ledger.controller.js';

@Module({ controllers: [LedgerController], providers: [LedgerQueryService] })
export class LedgerApiModule {}
