import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, type Type } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Role, type MonitorKind } from '@assay/db';
import { CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { BaselinesService, CheckRunsService, MonitorsService } from '@assay/monitoring';
import { baselineDtoOf } from './baseline.mapper.js';
import { windowOf } from './model-monitoring.controller.js';
import {
  BaselineDto, CheckRunDto, CheckRunListDto, CheckRunQueryDto, MonitorDto, RunAcceptedDto, SeriesDto, SeriesQueryDto, UpdateMonitorDto,
} from './monitoring.dto.js';

const READERS = [Role.Owner, Role.Auditor, Role.Ci];

// Monitors and policies are the same resource told apart by kind; one definition serves both paths.
function checkDefinitionController(path: string, kind: MonitorKind): Type {
  const noun = kind === 'drift' ? 'monitor' : 'policy';
  @ApiTags('monitoring')
  @Controller(path)
  class CheckDefinitionController {
    constructor(
      readonly monitors: MonitorsService,
      readonly runs: CheckRunsService,
    ) {}

    @Get(':id')
    @ApiOperation({ summary: `Get a ${noun}` })
    @Roles(...READERS)
    @ApiOkResponse({ type: MonitorDto })
    async get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<MonitorDto> {
      return MonitorDto.from(await this.monitors.get(p.projectId!, id, kind));
    }

    @Patch(':id')
    @ApiOperation({ summary: `Change a ${noun}` })
    @Roles(Role.Owner)
    @ApiOkResponse({ type: MonitorDto })
    async update(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: UpdateMonitorDto): Promise<MonitorDto> {
      return MonitorDto.from(
        await this.monitors.update(p.projectId!, id, kind, { ...body, window: body.window ? windowOf(body.window) : undefined }),
      );
    }

    @Delete(':id')
    @ApiOperation({ summary: `Delete a ${noun}` })
    @HttpCode(204)
    @Roles(Role.Owner)
    @ApiNoContentResponse()
    async remove(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
      await this.monitors.remove(p.projectId!, id, kind);
    }

    @Post(':id/run')
    @ApiOperation({ summary: `Run a ${noun} now` })
    @HttpCode(202)
    @Roles(Role.Owner)
    @ApiAcceptedResponse({ type: RunAcceptedDto, description: 'queued; the check run appears under /v1/check-runs' })
    async run(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<RunAcceptedDto> {
      const accepted = await this.runs.runNow(p.projectId!, id, kind);
      return { jobId: accepted.jobId, monitorId: accepted.monitor.id, at: accepted.at.toISOString() };
    }

    @Get(':id/series')
    @ApiOperation({ summary: `Get a ${noun}’s statistic over time` })
    @Roles(...READERS)
    @ApiOkResponse({ type: SeriesDto, description: 'the statistic over time' })
    async series(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Query() query: SeriesQueryDto): Promise<SeriesDto> {
      const { monitor, runs } = await this.runs.series(p.projectId!, id, new Date(query.from), query.to ? new Date(query.to) : new Date(), query.limit ?? 1000);
      return {
        monitorId: monitor.id,
        method: monitor.method,
        points: runs.map((r) => ({ windowTo: r.windowTo.toISOString(), statistic: r.statistic, pValue: r.pValue, verdict: r.verdict, nCurrent: r.nCurrent })),
      };
    }
  }
  Object.defineProperty(CheckDefinitionController, 'name', { value: kind === 'drift' ? 'MonitorsController' : 'PoliciesController' });
  return CheckDefinitionController;
}

export const MonitorsController = checkDefinitionController('v1/monitors', 'drift');
export const PoliciesController = checkDefinitionController('v1/policies', 'policy');

@ApiTags('monitoring')
@Controller('v1')
export class CheckRunsController {
  constructor(
    private readonly runs: CheckRunsService,
    private readonly baselines: BaselinesService,
  ) {}

  @Get('check-runs')
  @ApiOperation({ summary: 'List check runs' })
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
  @ApiOperation({ summary: 'Get a check run' })
  @Roles(...READERS)
  @ApiOkResponse({ type: CheckRunDto })
  async get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<CheckRunDto> {
    return CheckRunDto.from(await this.runs.get(p.projectId!, id));
  }

  @Get('baselines/:id')
  @ApiOperation({ summary: 'Get a baseline' })
  @Roles(...READERS)
  @ApiOkResponse({ type: BaselineDto })
  async baseline(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<BaselineDto> {
    const found = await this.baselines.get(p.projectId!, id);
    return baselineDtoOf(found.baseline, found.signals);
  }
}
