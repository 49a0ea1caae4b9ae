import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Role, type MonitorKind } from '@assay/db';
import { CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { BaselinesService, CheckRunsService, MonitorsService } from '@assay/monitoring';
import { baselineDtoOf } from './baseline.mapper.js';
import { windowOf } from './model-monitoring.controller.js';
import {
  BaselineDto, CheckRunDto, CheckRunListDto, CheckRunQueryDto, MonitorDto, RunAcceptedDto, SeriesDto, SeriesQueryDto, UpdateMonitorDto,
} from './monitoring.dto.js';

const READERS = [Role.Owner, Role.Auditor, Role.Ci];

abstract class CheckDefinitionController {
  protected abstract readonly kind: MonitorKind;

  constructor(
    protected readonly monitors: MonitorsService,
    protected readonly runs: CheckRunsService,
  ) {}

  protected async getOne(p: Principal, id: string): Promise<MonitorDto> {
    return MonitorDto.from(await this.monitors.get(p.projectId!, id, this.kind));
  }

  protected async patchOne(p: Principal, id: string, body: UpdateMonitorDto): Promise<MonitorDto> {
    return MonitorDto.from(
      await this.monitors.update(p.projectId!, id, this.kind, { ...body, window: body.window ? windowOf(body.window) : undefined }),
    );
  }

  protected async runOne(p: Principal, id: string): Promise<RunAcceptedDto> {
    const accepted = await this.runs.runNow(p.projectId!, id, this.kind);
    return { jobId: accepted.jobId, monitorId: accepted.monitor.id, at: accepted.at.toISOString() };
  }

  protected async seriesOf(p: Principal, id: string, query: SeriesQueryDto): Promise<SeriesDto> {
    const { monitor, runs } = await this.runs.series(p.projectId!, id, new Date(query.from), query.to ? new Date(query.to) : new Date(), query.limit ?? 1000);
    return {
      monitorId: monitor.id,
      method: monitor.method,
      points: runs.map((r) => ({ windowTo: r.windowTo.toISOString(), statistic: r.statistic, pValue: r.pValue, verdict: r.verdict, nCurrent: r.nCurrent })),
    };
  }
}

@ApiTags('monitoring')
@Controller('v1/monitors')
export class MonitorsController extends CheckDefinitionController {
  protected readonly kind = 'drift' as const;

  constructor(monitors: MonitorsService, runs: CheckRunsService) {
    super(monitors, runs);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOkResponse({ type: MonitorDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<MonitorDto> {
    return this.getOne(p, id);
  }

  @Patch(':id')
  @Roles(Role.Owner)
  @ApiOkResponse({ type: MonitorDto })
  update(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateMonitorDto): Promise<MonitorDto> {
    return this.patchOne(p, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(Role.Owner)
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.monitors.remove(p.projectId!, id, this.kind);
  }

  @Post(':id/run')
  @HttpCode(202)
  @Roles(Role.Owner)
  @ApiAcceptedResponse({ type: RunAcceptedDto, description: 'queued; the check run appears under /v1/check-runs' })
  run(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<RunAcceptedDto> {
    return this.runOne(p, id);
  }

  @Get(':id/series')
  @Roles(...READERS)
  @ApiOkResponse({ type: SeriesDto, description: 'the monitor’s statistic over time' })
  series(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Query() query: SeriesQueryDto): Promise<SeriesDto> {
    return this.seriesOf(p, id, query);
  }
}

@ApiTags('monitoring')
@Controller('v1/policies')
export class PoliciesController extends CheckDefinitionController {
  protected readonly kind = 'policy' as const;

  constructor(monitors: MonitorsService, runs: CheckRunsService) {
    super(monitors, runs);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOkResponse({ type: MonitorDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<MonitorDto> {
    return this.getOne(p, id);
  }

  @Patch(':id')
  @Roles(Role.Owner)
  @ApiOkResponse({ type: MonitorDto })
  update(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateMonitorDto): Promise<MonitorDto> {
    return this.patchOne(p, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(Role.Owner)
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.monitors.remove(p.projectId!, id, this.kind);
  }

  @Post(':id/run')
  @HttpCode(202)
  @Roles(Role.Owner)
  @ApiAcceptedResponse({ type: RunAcceptedDto })
  run(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<RunAcceptedDto> {
    return this.runOne(p, id);
  }

  @Get(':id/series')
  @Roles(...READERS)
  @ApiOkResponse({ type: SeriesDto })
  series(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Query() query: SeriesQueryDto): Promise<SeriesDto> {
    return this.seriesOf(p, id, query);
  }
}

@ApiTags('monitoring')
@Controller('v1')
export class CheckRunsController {
  constructor(
    private readonly runs: CheckRunsService,
    private readonly baselines: BaselinesService,
  ) {}

  @Get('check-runs')
  @Roles(...READERS)
  @ApiOkResponse({ type: CheckRunListDto })
  async list(@CurrentPrincipal() p: Principal, @Query() query: CheckRunQueryDto): Promise<CheckRunListDto> {
    const runs = await this.runs.list(p.projectId!, {
      ...query,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
    });
    return { items: runs.map(CheckRunDto.from) };
  }

  @Get('check-runs/:id')
  @Roles(...READERS)
  @ApiOkResponse({ type: CheckRunDto })
  async get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<CheckRunDto> {
    return CheckRunDto.from(await this.runs.get(p.projectId!, id));
  }

  @Get('baselines/:id')
  @Roles(...READERS)
  @ApiOkResponse({ type: BaselineDto })
  async baseline(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<BaselineDto> {
    const found = await this.baselines.get(p.projectId!, id);
    return baselineDtoOf(found.baseline, found.signals);
  }
}
