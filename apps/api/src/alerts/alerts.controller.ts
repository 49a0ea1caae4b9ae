import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AlertsService, alertView } from '@assay/alerts';
import { Role } from '@assay/db';
import { ApiErrors, CurrentPrincipal, Roles, type Principal } from '@assay/common';
import { AlertDto, AlertListDto, AlertListQuery, AlertNoteDto } from './alert.dto.js';
import { AlertStreamService } from './alert-stream.service.js';
import { actorOf, projectOf } from './principal-scope.js';

@ApiTags('alerts')
@Controller('v1/alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly stream: AlertStreamService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List alerts' })
  @Roles(Role.Owner, Role.Auditor)
  @ApiOkResponse({ type: AlertListDto })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: AlertListQuery): Promise<AlertListDto> {
    const items = await this.alerts.list({
      projectId: projectOf(principal), status: query.status, model: query.model, severity: query.severity, kind: query.kind,
      before: query.before ? new Date(query.before) : undefined, limit: query.limit ?? 100,
    });
    return { items: items.map(alertView) };
  }

  // Declared before `:id` so that Express does not take "stream" for an id.
  @Get('stream')
  @ApiOperation({ summary: 'Stream alert changes (Server-Sent Events)' })
  @Roles(Role.Owner, Role.Auditor)
  @ApiOkResponse({
    description: 'Server-Sent Events: `alert.fired`, `alert.updated`, `alert.acknowledged`, `alert.resolved`, data an alert; comment heartbeats every 15 s',
    content: { 'text/event-stream': { schema: { type: 'string', example: 'event: alert.fired\ndata: {"id":"…","status":"firing"}\n\n' } } },
  })
  async events(@CurrentPrincipal() principal: Principal, @Req() request: Request, @Res() response: Response): Promise<void> {
    await this.stream.serve(projectOf(principal), request, response);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an alert' })
  @Roles(Role.Owner, Role.Auditor)
  @ApiOkResponse({ type: AlertDto })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<AlertDto> {
    return alertView(await this.alerts.get(projectOf(principal), id));
  }

  @Post(':id/acknowledge')
  @ApiOperation({ summary: 'Acknowledge an alert' })
  @ApiErrors({ 409: 'the alert’s current status does not allow acknowledging it' })
  @HttpCode(200)
  @Roles(Role.Owner)
  @ApiOkResponse({ type: AlertDto })
  async acknowledge(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: AlertNoteDto): Promise<AlertDto> {
    return alertView(await this.alerts.acknowledge(actorOf(principal), id, body.note ?? null));
  }

  @Post(':id/resolve')
  @ApiOperation({ summary: 'Resolve an alert' })
  @ApiErrors({ 409: 'the alert’s current status does not allow resolving it' })
  @HttpCode(200)
  @Roles(Role.Owner)
  @ApiOkResponse({ type: AlertDto })
  async resolve(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: AlertNoteDto): Promise<AlertDto> {
    return alertView(await this.alerts.resolve(actorOf(principal), id, body.note ?? null));
  }
}
