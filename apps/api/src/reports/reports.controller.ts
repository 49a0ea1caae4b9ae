import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse, getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ModelRepository, Role } from '@assay/db';
import { ApiErrors, badInput, CurrentPrincipal, DomainError, ErrorCode, Roles, type Principal } from '@assay/common';
import { CYCLONEDX_MEDIA_TYPE, ReportsService } from '@assay/reports';
import { CreateReportDto, DsseEnvelopeDto, ReportListDto, ReportScheduleDto, ReportScheduleViewDto, ReportStatusDto } from './report.dto.js';

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
@ApiExtraModels(DsseEnvelopeDto)
@Controller()
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly models: ModelRepository,
  ) {}

  @Post('v1/reports')
  @ApiOperation({ summary: 'Request an audit report for a model and period' })
  @ApiErrors({ 404: 'no such model in the project' })
  @HttpCode(202)
  @Roles(Role.Auditor, Role.Owner)
  @ApiAcceptedResponse({ type: ReportStatusDto, description: 'queued; a report-build job builds it' })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateReportDto): Promise<ReportStatusDto> {
    const report = await this.reports.request(projectOf(principal), body.model, new Date(body.from), new Date(body.to));
    return ReportStatusDto.from(report, body.model);
  }

  @Get('v1/reports/:id')
  @ApiOperation({ summary: 'Get an audit or tiering report: DSSE envelope, HTML page or CycloneDX model card' })
  @Roles(Role.Auditor, Role.Owner)
  @ApiOkResponse({
    content: {
      'application/json': { schema: { $ref: getSchemaPath(DsseEnvelopeDto) } },
      'text/html': { schema: { type: 'string' } },
      [CYCLONEDX_MEDIA_TYPE]: { schema: { type: 'object', additionalProperties: true, description: 'a CycloneDX 1.6 BOM' } },
    },
    description:
      'Accept: application/json → the DSSE envelope (in-toto statement: the audit-report predicate, or for a tiering report the tiering report itself); text/html → the printable page; ' +
      'application/vnd.cyclonedx+json → the model facts as a CycloneDX 1.6 model card, derived from the signed content (which its metadata names by digest); a tiering report has none (406)',
  })
  @ApiAcceptedResponse({ type: ReportStatusDto, description: 'not built yet; ask again later' })
  @ApiUnprocessableEntityResponse({ type: ReportStatusDto, description: 'the build failed for good: `error` says why' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const report = await this.reports.get(projectOf(principal), id);
    const model = report.modelId === null ? null : ((await this.models.findById(report.modelId))?.name ?? report.modelId);
    if (report.status !== 'ready') {
      // A build that failed for good is the report's state, not a server error of this request.
      response.status(report.status === 'failed' ? 422 : 202).json(ReportStatusDto.from(report, model));
      return;
    }
    const format = formatOf(request);
    if (format === 'cyclonedx' && report.kind === 'tiering') {
      throw new DomainError(ErrorCode.NotAcceptable, 'a tiering report has no CycloneDX model card: ask for application/json or text/html');
    }
    const document = await this.reports.document(report.id, format);
    response.setHeader('Vary', 'Accept');
    response.status(200).type(MEDIA_TYPES[format]).send(document ?? '');
  }

  @Get('v1/models/:name/reports')
  @ApiOperation({ summary: 'List a model’s reports' })
  @Roles(Role.Auditor, Role.Owner)
  @ApiOkResponse({ type: ReportListDto })
  async list(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<ReportListDto> {
    return { items: (await this.reports.list(projectOf(principal), name)).map((r) => ReportStatusDto.from(r, name)) };
  }

  @Put('v1/models/:name/report-schedule')
  @ApiOperation({ summary: 'Set a model’s report schedule' })
  @Roles(Role.Owner)
  @ApiOkResponse({ type: ReportScheduleViewDto })
  async putSchedule(@CurrentPrincipal() principal: Principal, @Param('name') name: string, @Body() body: ReportScheduleDto): Promise<ReportScheduleViewDto> {
    return ReportScheduleViewDto.from(await this.reports.putSchedule(projectOf(principal), name, body));
  }

  @Get('v1/models/:name/report-schedule')
  @ApiOperation({ summary: 'Get a model’s report schedule' })
  @Roles(Role.Owner, Role.Auditor)
  @ApiOkResponse({ type: ReportScheduleViewDto })
  async getSchedule(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<ReportScheduleViewDto> {
    return ReportScheduleViewDto.from(await this.reports.getSchedule(projectOf(principal), name));
  }

  @Delete('v1/models/:name/report-schedule')
  @ApiOperation({ summary: 'Delete a model’s report schedule' })
  @HttpCode(204)
  @Roles(Role.Owner)
  @ApiNoContentResponse()
  async removeSchedule(@CurrentPrincipal() principal: Principal, @Param('name') name: string): Promise<void> {
    await this.reports.removeSchedule(projectOf(principal), name);
  }
}
