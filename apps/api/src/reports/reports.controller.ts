import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ModelRepository, Role } from '@assay/db';
import { badInput, CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { CYCLONEDX_MEDIA_TYPE, ReportsService } from '@assay/reports';
import { CreateReportDto, ReportListDto, ReportScheduleDto, ReportScheduleViewDto, ReportStatusDto } from './report.dto.js';

function projectOf(principal: Principal): string {
  if (!principal.projectId) throw badInput('this route works on a project: use a key of the project');
  return principal.projectId;
}

type ReportFormat = 'envelope' | 'html' | 'cyclonedx';
const MEDIA_TYPES: Record<ReportFormat, string> = {
  envelope: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  cyclonedx: `${CYCLONEDX_MEDIA_TYPE}; charset=utf-8`,
};

// JSON (the envelope) unless the client prefers the page (a browser's Accept lists text/html first)
// or names the CycloneDX model card.
function formatOf(request: Request): ReportFormat {
  const preferred = request.accepts(['application/json', 'text/html', CYCLONEDX_MEDIA_TYPE]);
  if (preferred === CYCLONEDX_MEDIA_TYPE) return 'cyclonedx';
  return preferred === 'text/html' && !/^\s*application\/json/i.test(request.headers.accept ?? '') ? 'html' : 'envelope';
}

@ApiTags('reports')
@Controller()
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly models: ModelRepository,
  ) {}

  @Post('v1/reports')
  @HttpCode(202)
  @Roles(Role.Auditor, Role.Owner)
  @ApiAcceptedResponse({ type: ReportStatusDto, description: 'queued; a report-build job builds it' })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateReportDto): Promise<ReportStatusDto> {
    const report = await this.reports.request(projectOf(principal), body.model, new Date(body.from), new Date(body.to));
    return ReportStatusDto.from(report, body.model);
  }

  @Get('v1/reports/:id')
  @Roles(Role.Auditor, Role.Owner)
  @ApiProduces('application/json', 'text/html', CYCLONEDX_MEDIA_TYPE)
  @ApiOkResponse({
    description:
      'Accept: application/json → the DSSE envelope (in-toto statement, audit-report predicate); text/html → the printable page; ' +
      'application/vnd.cyclonedx+json → the model facts as a CycloneDX 1.6 model card, derived from the signed content (which its metadata names by digest)',
  })
  @ApiAcceptedResponse({ type: ReportStatusDto, description: 'not built yet (422 with the same body when the build failed)' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const report = await this.reports.get(projectOf(principal), id);
    const model = (await this.models.findById(report.modelId))?.name ?? report.modelId;
    if (report.status !== 'ready') {
      // A build that failed for good is the report's state, not a server error of this request.
      response.status(report.status === 'failed' ? 422 : 202).json(ReportStatusDto.from(report, model));
      return;
    }
    const format = formatOf(request);
    const document = await this.reports.document(report.id, format);
    response.setHeader('Vary', 'Accept');
    response.status(200).type(MEDIA_TYPES[format]).send(document ?? '');
  }

  @Get('v1/models/:name/reports')
  @Roles(Role.Auditor, Role.Owner)
  @ApiOkResponse({ type: ReportListDto })
  async list(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<ReportListDto> {
    return { items: (await this.reports.list(projectOf(principal), name)).map((r) => ReportStatusDto.from(r, name)) };
  }

  @Put('v1/models/:name/report-schedule')
  @Roles(Role.Owner)
  @ApiOkResponse({ type: ReportScheduleViewDto })
  async putSchedule(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: ReportScheduleDto): Promise<ReportScheduleViewDto> {
    return ReportScheduleViewDto.from(await this.reports.putSchedule(projectOf(principal), name, body));
  }

  @Get('v1/models/:name/report-schedule')
  @Roles(Role.Owner, Role.Auditor)
  @ApiOkResponse({ type: ReportScheduleViewDto })
  async getSchedule(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<ReportScheduleViewDto> {
    return ReportScheduleViewDto.from(await this.reports.getSchedule(projectOf(principal), name));
  }

  @Delete('v1/models/:name/report-schedule')
  @HttpCode(204)
  @Roles(Role.Owner)
  @ApiNoContentResponse()
  async removeSchedule(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<void> {
    await this.reports.removeSchedule(projectOf(principal), name);
  }
}
