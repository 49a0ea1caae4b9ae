import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Role } from '@assay/db';
import { CurrentPrincipal, Roles, type Principal } from '@assay/common';
import {
  CheckpointDto,
  ConsistencyDto,
  ConsistencyQuery,
  EntryIndexParam,
  EntryQuery,
  LedgerEntryDto,
  LedgerVerificationDto,
} from './ledger.dto.js';
import { LedgerQueryService } from './ledger-query.service.js';

const READERS = [Role.Auditor, Role.Owner, Role.Ci, Role.Admin];

@ApiTags('ledger')
@Controller('v1/ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerQueryService) {}

  @Get('checkpoint')
  @Roles(...READERS)
  @ApiOkResponse({ type: CheckpointDto, description: 'the latest signed checkpoint' })
  checkpoint(): Promise<CheckpointDto> {
    return this.ledger.checkpoint();
  }

  @Get('entries/:index')
  @Roles(...READERS)
  @ApiOkResponse({ type: LedgerEntryDto })
  entry(@CurrentPrincipal() principal: Principal, @Param() params: EntryIndexParam, @Query() query: EntryQuery): Promise<LedgerEntryDto> {
    return this.ledger.entry(principal, Number(params.index), query.treeSize === undefined ? undefined : Number(query.treeSize));
  }

  @Get('consistency')
  @Roles(...READERS)
  @ApiOkResponse({ type: ConsistencyDto })
  consistency(@Query() query: ConsistencyQuery): Promise<ConsistencyDto> {
    return this.ledger.consistency(Number(query.from), Number(query.to));
  }

  @Post('verify')
  @HttpCode(200)
  @Roles(Role.Admin)
  @ApiOkResponse({ type: LedgerVerificationDto, description: 're-hashes the whole log and checks it against every signed checkpoint' })
  verify(): Promise<LedgerVerificationDto> {
    return this.ledger.verify();
  }
}
