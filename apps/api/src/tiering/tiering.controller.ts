import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role } from '@assay/db';
import { ApiErrors, badInput, CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { TieringService } from '@assay/tiering';
import { TieringQueryDto, TieringReportDto } from './tiering.dto.js';

@ApiTags('tiering')
@Controller('v1/tiering')
export class TieringController {
  constructor(private readonly tiering: TieringService) {}

  @Get()
  @ApiOperation({
    summary: 'Which journeys may move to a cheaper model, how sure that is, and what it would save',
    description:
      'Per journey and model: calls (from seen counts), spend, cost per call, latency, errors and quality scores; for every cheaper model on a ' +
      'journey a non-inferiority decision (switch / keep / insufficient); provider spend shares and their HHI.',
  })
  @ApiErrors({ 400: 'from ≥ to, a window longer than the sample retention, margin or alpha out of range' })
  @Roles(Role.Owner, Role.Auditor)
  @ApiOkResponse({ type: TieringReportDto })
  async report(@CurrentPrincipal() principal: Principal, @Query() query: TieringQueryDto): Promise<TieringReportDto> {
    if (!principal.projectId) throw badInput('this route works on a project: use a key of the project');
    return this.tiering.report(principal.projectId, {
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to),
      margin: query.margin === undefined ? undefined : Number(query.margin),
      alpha: query.alpha === undefined ? undefined : Number(query.alpha),
    });
  }
}
