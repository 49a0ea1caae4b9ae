import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role } from '@assay/db';
import { ApiErrors, badInput, CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { TieringReportsService } from '@assay/reports';
import { CreateTieringReportDto, TieringReportListDto, TieringReportStatusDto } from './tiering-report.dto.js';

function projectOf(principal: Principal): string {
  if (!principal.projectId) throw badInput('this route works on a project: use a key of the project');
  return principal.projectId;
}

@ApiTags('tiering')
@Controller('v1/tiering/reports')
export class TieringReportsController {
  constructor(private readonly reports: TieringReportsService) {}

  @Post()
  @ApiOperation({ summary: 'Request a signed tiering report for the project and window', description: 'GET /v1/reports/:id serves it once built: the DSSE envelope (JSON) or the page (text/html).' })
  @ApiErrors({ 400: 'from not before to, a window longer than sample retention, margin or alpha out of range' })
  @HttpCode(202)
  @Roles(Role.Auditor, Role.Owner)
  @ApiAcceptedResponse({ type: TieringReportStatusDto, description: 'queued; a tiering-report.build job builds it' })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateTieringReportDto): Promise<TieringReportStatusDto> {
    const report = await this.reports.request(projectOf(principal), { from: new Date(body.from), to: new Date(body.to), margin: body.margin, alpha: body.alpha });
    return TieringReportStatusDto.from(report);
  }

  @Get()
  @ApiOperation({ summary: 'List the project’s tiering reports, newest first (the latest 100)' })
  @Roles(Role.Auditor, Role.Owner)
  @ApiOkResponse({ type: TieringReportListDto })
  async list(@CurrentPrincipal() principal: Principal): Promise<TieringReportListDto> {
    return { items: (await this.reports.list(projectOf(principal))).map((r) => TieringReportStatusDto.from(r)) };
  }
}
