import { Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Response } from 'express';
import { AlertsService, SilencesService, alertView } from '@assay/alerts';
import { Role } from '@assay/db';
import { badInput } from '@assay/common';
import { AlertListQuery, AlertNoteDto, CreateSilenceDto } from '../alerts/alert.dto.js';
import { AlertStreamService } from '../alerts/alert-stream.service.js';
import { actorOf, projectOf } from '../alerts/principal-scope.js';
import { ConsoleRoute } from './console-access.js';
import { validated } from './console-forms.js';
import { afterForm, contextOf, sendPage } from './console-page.js';
import { formField, type ConsoleRequest } from './console-session.guard.js';
import { alertsView } from './views/alerts.view.js';

const MAX_SILENCE_HOURS = 720;

@ApiExcludeController()
@Controller('console')
export class ConsoleAlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly silences: SilencesService,
    private readonly stream: AlertStreamService,
  ) {}

  @Get('alerts')
  @ConsoleRoute(Role.Owner, Role.Auditor)
  async list(@Req() request: ConsoleRequest, @Res() response: Response, @Query() raw: Record<string, unknown>): Promise<void> {
    const query = validated(AlertListQuery, raw);
    const projectId = projectOf(request.principal!);
    const [items, silences] = await Promise.all([
      this.alerts.list({ projectId, status: query.status, model: query.model, severity: query.severity, kind: query.kind, limit: 100 }),
      this.silences.list(projectId, false),
    ]);
    sendPage(response, alertsView(contextOf(request), items.map(alertView), query, silences));
  }

  @Get('alerts/stream')
  @ConsoleRoute(Role.Owner, Role.Auditor)
  async events(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    await this.stream.serve(projectOf(request.principal!), request, response);
  }

  @Post('alerts/:id/acknowledge')
  @ConsoleRoute(Role.Owner)
  async acknowledge(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    const body = validated(AlertNoteDto, { note: formField(request, 'note') ?? '' });
    const alert = await this.alerts.acknowledge(actorOf(request.principal!), id, body.note ?? null);
    afterForm(request, response, alertView(alert), '/console/alerts');
  }

  @Post('alerts/:id/resolve')
  @ConsoleRoute(Role.Owner)
  async resolve(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    const body = validated(AlertNoteDto, { note: formField(request, 'note') ?? '' });
    const alert = await this.alerts.resolve(actorOf(request.principal!), id, body.note ?? null);
    afterForm(request, response, alertView(alert), '/console/alerts');
  }

  @Post('silences')
  @ConsoleRoute(Role.Owner)
  async silence(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    const hours = Number(formField(request, 'hours'));
    if (!Number.isInteger(hours) || hours < 1 || hours > MAX_SILENCE_HOURS) throw badInput(`hours must be a whole number from 1 to ${MAX_SILENCE_HOURS}`);
    const dto = plainToInstance(CreateSilenceDto, {
      matchers: [{ label: formField(request, 'label') ?? '', value: formField(request, 'value') ?? '', op: '=' }],
      comment: formField(request, 'comment') ?? '',
      endsAt: new Date(Date.now() + hours * 3_600_000).toISOString(),
    });
    const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) throw badInput(errors.flatMap((e) => [...Object.values(e.constraints ?? {}), ...(e.children ?? []).flatMap((c) => (c.children ?? []).flatMap((g) => Object.values(g.constraints ?? {})))]).join('; '));
    const actor = actorOf(request.principal!);
    const created = await this.silences.create(actor.projectId, actor.by, {
      matchers: dto.matchers.map((m) => ({ label: m.label, value: m.value, op: m.op ?? '=' })),
      comment: dto.comment,
      endsAt: new Date(dto.endsAt),
    });
    afterForm(request, response, { id: created.id }, '/console/alerts');
  }

  @Post('silences/:id/expire')
  @ConsoleRoute(Role.Owner)
  async expire(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    const expired = await this.silences.expire(projectOf(request.principal!), id);
    afterForm(request, response, { id: expired.id }, '/console/alerts');
  }
}
