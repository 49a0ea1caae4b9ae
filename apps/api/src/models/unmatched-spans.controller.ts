import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role } from '@assay/db';
import { CurrentPrincipal, Roles, badInput, type Principal } from '@assay/common';
import { ModelsService } from '@assay/models';
import { UnmatchedQueryDto, UnmatchedSpansDto } from './model.dto.js';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 31;

@ApiTags('models')
@Controller('v1/ingest')
export class UnmatchedSpansController {
  constructor(private readonly models: ModelsService) {}

  /** What the ingest received but could not attribute: a model to register, or a match rule to fix. */
  @Get('unmatched')
  @ApiOperation({ summary: 'List inference spans no model matched' })
  @Roles(Role.Owner, Role.Auditor)
  @ApiOkResponse({ type: UnmatchedSpansDto })
  async unmatched(@CurrentPrincipal() principal: Principal, @Query() query: UnmatchedQueryDto): Promise<UnmatchedSpansDto> {
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DAY_MS);
    if (!(from < to)) throw badInput('"from" must be before "to"');
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) throw badInput(`the range may span at most ${MAX_RANGE_DAYS} days`);
    return { from: from.toISOString(), to: to.toISOString(), services: await this.models.unmatchedSpans(principal, from, to) };
  }
}
