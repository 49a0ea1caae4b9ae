import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Role } from '@assay/db';
import { ApiErrors, CurrentPrincipal, Roles, type Principal } from '@assay/common';
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
@ApiExtraModels(CheckpointDto)
@Controller('v1/ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerQueryService) {}

  @Get('checkpoint')
  @ApiOperation({ summary: 'Get the latest signed ledger checkpoint' })
  @ApiErrors({ 404: 'no checkpoint has been signed yet' })
  @Roles(...READERS)
  @ApiOkResponse({
    content: {
      'application/json': { schema: { $ref: getSchemaPath(CheckpointDto) } },
      'text/plain': { schema: { type: 'string', description: 'the signed note (C2SP tlog-checkpoint)' } },
    },
    description:
      'the latest signed checkpoint; with Accept: text/plain (and not application/json) the C2SP tlog-checkpoint signed note itself, ' +
      'which signed-note verifiers check against the verifier key of GET /v1/signing-keys',
  })
  async checkpoint(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<CheckpointDto | string> {
    const checkpoint = await this.ledger.checkpoint();
    response.setHeader('Vary', 'Accept');
    if (request.accepts(['application/json', 'text/plain']) !== 'text/plain') return checkpoint;
    response.type('text/plain; charset=utf-8');
    return checkpoint.note;
  }

  @Get('entries/:index')
  @ApiOperation({ summary: 'Get a ledger entry with its inclusion proof' })
  @Roles(...READERS)
  @ApiOkResponse({ type: LedgerEntryDto })
  entry(@CurrentPrincipal() principal: Principal, @Param() params: EntryIndexParam, @Query() query: EntryQuery): Promise<LedgerEntryDto> {
    return this.ledger.entry(principal, Number(params.index), query.treeSize === undefined ? undefined : Number(query.treeSize));
  }

  @Get('consistency')
  @ApiOperation({ summary: 'Get a consistency proof between two tree sizes' })
  @Roles(...READERS)
  @ApiOkResponse({ type: ConsistencyDto })
  consistency(@Query() query: ConsistencyQuery): Promise<ConsistencyDto> {
    return this.ledger.consistency(Number(query.from), Number(query.to));
  }

  @Post('verify')
  @ApiOperation({ summary: 'Verify the whole ledger against its checkpoints' })
  @HttpCode(200)
  @Roles(Role.Admin)
  @ApiOkResponse({ type: LedgerVerificationDto, description: 're-hashes the whole log and checks it against every signed checkpoint' })
  verify(): Promise<LedgerVerificationDto> {
    return this.ledger.verify();
  }
}
