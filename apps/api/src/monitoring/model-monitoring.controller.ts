import { Body, Controller, Get, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Role } from '@assay/db';
import { ApiErrors, CurrentPrincipal, DomainError, ErrorCode, Roles, type Principal } from '@assay/common';
import { BaselinesService, CheckRunsService, MonitorsService, type UploadFormat } from '@assay/monitoring';
import { baselineDtoOf } from './baseline.mapper.js';
import {
  BaselineDto, BaselineListDto, CaptureBaselineDto, CorrectionDto, CreateMonitorDto, CreatePolicyDto, ModelStatusDto,
  MonitorDto, MonitorListDto, UploadBaselineQueryDto,
} from './monitoring.dto.js';

const READERS = [Role.Owner, Role.Auditor, Role.Ci];

function uploadFormat(request: Request): UploadFormat {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'text/csv') return 'csv';
  if (type === 'application/x-ndjson' || type === 'application/jsonl') return 'jsonl';
  throw new DomainError(ErrorCode.UnsupportedMediaType, 'upload a baseline as application/json, application/x-ndjson (JSONL) or text/csv');
}

function scope(principal: Principal): string {
  return principal.projectId!;
}

@ApiTags('monitoring')
@Controller('v1/models/:name')
export class ModelMonitoringController {
  constructor(
    private readonly baselines: BaselinesService,
    private readonly monitors: MonitorsService,
    private readonly runs: CheckRunsService,
  ) {}

  @Post('baselines')
  @ApiOperation({ summary: 'Capture a baseline from a window of samples' })
  @Roles(Role.Owner)
  @ApiCreatedResponse({ type: BaselineDto, description: 'a baseline captured from a time window of a version’s samples' })
  async capture(@CurrentPrincipal() p: Principal, @Param('name') name: string, @Body() body: CaptureBaselineDto): Promise<BaselineDto> {
    const created = await this.baselines.capture(scope(p), name, {
      version: body.version,
      from: new Date(body.from),
      to: new Date(body.to),
      description: body.description,
    });
    return baselineDtoOf(created.baseline, created.signals);
  }

  @Post('baselines/upload')
  @ApiOperation({ summary: 'Upload a baseline (JSON, JSONL or CSV)' })
  @ApiErrors({ 415: 'the body is not JSON, JSONL or CSV' })
  @Roles(Role.Owner)
  @ApiConsumes('application/json', 'application/x-ndjson', 'text/csv')
  @ApiBody({ description: 'JSON {signals: {name: [values]}} or {samples: [{...}]}, JSONL (one object of signal values per line), or CSV with a header row of signal names' })
  @ApiCreatedResponse({ type: BaselineDto })
  async upload(
    @CurrentPrincipal() p: Principal,
    @Param('name') name: string,
    @Query() query: UploadBaselineQueryDto,
    @Req() request: Request,
  ): Promise<BaselineDto> {
    const created = await this.baselines.upload(scope(p), name, query.version, uploadFormat(request), request.body, query.description);
    return baselineDtoOf(created.baseline, created.signals);
  }

  @Get('baselines')
  @ApiOperation({ summary: 'List a model’s baselines' })
  @Roles(...READERS)
  @ApiOkResponse({ type: BaselineListDto })
  async listBaselines(@CurrentPrincipal() p: Principal, @Param('name') name: string): Promise<BaselineListDto> {
    return { items: (await this.baselines.list(scope(p), name)).map((b) => BaselineDto.from(b)) };
  }

  @Post('monitors')
  @ApiOperation({ summary: 'Create a drift monitor' })
  @ApiErrors({ 409: 'the model already has a monitor of this name' })
  @Roles(Role.Owner)
  @ApiCreatedResponse({ type: MonitorDto })
  async createMonitor(@CurrentPrincipal() p: Principal, @Param('name') name: string, @Body() body: CreateMonitorDto): Promise<MonitorDto> {
    return MonitorDto.from(await this.monitors.create(scope(p), name, 'drift', { ...body, window: windowOf(body.window) }));
  }

  @Get('monitors')
  @ApiOperation({ summary: 'List a model’s drift monitors' })
  @Roles(...READERS)
  @ApiOkResponse({ type: MonitorListDto })
  async listMonitors(@CurrentPrincipal() p: Principal, @Param('name') name: string): Promise<MonitorListDto> {
    return { items: (await this.monitors.list(scope(p), name, 'drift')).map(MonitorDto.from) };
  }

  @Post('policies')
  @ApiOperation({ summary: 'Create a policy' })
  @ApiErrors({ 409: 'the model already has a policy of this name' })
  @Roles(Role.Owner)
  @ApiCreatedResponse({ type: MonitorDto })
  async createPolicy(@CurrentPrincipal() p: Principal, @Param('name') name: string, @Body() body: CreatePolicyDto): Promise<MonitorDto> {
    return MonitorDto.from(await this.monitors.create(scope(p), name, 'policy', { ...body, window: windowOf(body.window) }));
  }

  @Get('policies')
  @ApiOperation({ summary: 'List a model’s policies' })
  @Roles(...READERS)
  @ApiOkResponse({ type: MonitorListDto })
  async listPolicies(@CurrentPrincipal() p: Principal, @Param('name') name: string): Promise<MonitorListDto> {
    return { items: (await this.monitors.list(scope(p), name, 'policy')).map(MonitorDto.from) };
  }

  @Get('status')
  @ApiOperation({ summary: 'Get the latest verdict of each monitor and policy' })
  @Roles(...READERS)
  @ApiOkResponse({ type: ModelStatusDto, description: 'the latest verdict of each monitor and policy' })
  async status(@CurrentPrincipal() p: Principal, @Param('name') name: string): Promise<ModelStatusDto> {
    return ModelStatusDto.from(await this.runs.status(scope(p), name));
  }

  @Get('monitoring')
  @ApiOperation({ summary: 'Get the model’s multiple-testing correction' })
  @Roles(...READERS)
  @ApiOkResponse({ type: CorrectionDto })
  async correction(@CurrentPrincipal() p: Principal, @Param('name') name: string): Promise<CorrectionDto> {
    return { correction: await this.monitors.correction(scope(p), name) };
  }

  @Put('monitoring')
  @ApiOperation({ summary: 'Set the model’s multiple-testing correction' })
  @Roles(Role.Owner)
  @ApiOkResponse({ type: CorrectionDto })
  async setCorrection(@CurrentPrincipal() p: Principal, @Param('name') name: string, @Body() body: CorrectionDto): Promise<CorrectionDto> {
    return { correction: await this.monitors.setCorrection(scope(p), name, body.correction) };
  }
}

export function windowOf(window: { type: 'time' | 'count'; seconds?: number; samples?: number }) {
  return window.type === 'time' ? { type: 'time' as const, seconds: window.seconds! } : { type: 'count' as const, samples: window.samples! };
}
