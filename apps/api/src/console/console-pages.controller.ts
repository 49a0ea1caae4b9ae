import { Controller, Get, Inject, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { ApiKeyRepository, MonitorRepository, ModelRepository, Role } from '@assay/db';
import { ModelsService } from '@assay/models';
import { CheckRunsService } from '@assay/monitoring';
import { notFound } from '@assay/common';
import { CreateModelDto, modelSettings } from '../models/model.dto.js';
import { ProjectsService } from '../projects/projects.service.js';
import { ConsoleRoute } from './console-access.js';
import { validated } from './console-forms.js';
import { ConsoleModelService, periodOf } from './console-model.service.js';
import { ConsoleOverviewService } from './console-overview.service.js';
import { afterForm, contextOf, sendPage } from './console-page.js';
import { formField, type ConsoleRequest } from './console-session.guard.js';
import { adminView } from './views/admin.view.js';
import { modelView } from './views/model.view.js';
import { overviewView } from './views/overview.view.js';
import { runView } from './views/run.view.js';
import { startView } from './views/start.view.js';

const READERS = [Role.Owner, Role.Auditor, Role.Ci];

@ApiExcludeController()
@Controller()
export class ConsolePagesController {
  constructor(
    private readonly overview: ConsoleOverviewService,
    private readonly modelPages: ConsoleModelService,
    private readonly models: ModelsService,
    private readonly modelRows: ModelRepository,
    private readonly runs: CheckRunsService,
    private readonly monitors: MonitorRepository,
    private readonly projects: ProjectsService,
    private readonly keys: ApiKeyRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ConsoleRoute(...READERS, Role.Admin)
  async home(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    if (request.principal!.role === Role.Admin) {
      response.redirect(303, '/console/admin');
      return;
    }
    sendPage(response, overviewView(contextOf(request), await this.overview.read(request.principal!)));
  }

  @Get('console')
  @ConsoleRoute(...READERS, Role.Admin)
  console(@Res() response: Response): void {
    response.redirect(303, '/');
  }

  @Post('console/models')
  @ConsoleRoute(Role.Owner)
  async register(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    const serviceName = formField(request, 'serviceName');
    const body = validated(CreateModelDto, { name: formField(request, 'name') ?? '' });
    const model = await this.models.create(request.principal!, {
      ...modelSettings(body),
      name: body.name,
      ...(serviceName ? { match: { serviceName: serviceName.slice(0, 200) } } : {}),
    });
    afterForm(request, response, { name: model.name }, `/console/models/${encodeURIComponent(model.name)}`);
  }

  @Get('console/models/:name')
  @ConsoleRoute(...READERS)
  async model(@Req() request: ConsoleRequest, @Res() response: Response, @Param('name') name: string, @Query('period') period?: string): Promise<void> {
    const data = await this.modelPages.read(request.principal!, name, periodOf(period));
    sendPage(response, modelView(contextOf(request), data));
  }

  @Get('console/runs/:id')
  @ConsoleRoute(...READERS)
  async run(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    const projectId = request.principal!.projectId!;
    const run = await this.runs.get(projectId, id);
    const [monitor, model] = await Promise.all([this.monitors.findForProject(projectId, run.monitorId), this.modelRows.findById(run.modelId)]);
    if (!monitor || !model) throw notFound(`check run ${id}`);
    sendPage(response, runView(contextOf(request), run, monitor, model.name));
  }

  @Get('console/start')
  @ConsoleRoute(...READERS)
  async start(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    const project = await this.projects.visible(request.principal!, request.principal!.projectId!);
    const ingestUrl = `${request.protocol}://${request.hostname}:${this.config.ingest.port}`;
    sendPage(response, startView(contextOf(request), project, ingestUrl));
  }

  @Get('console/admin')
  @ConsoleRoute(Role.Admin)
  async admin(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    const [projects, keys] = await Promise.all([this.projects.list(request.principal!), this.keys.list(null)]);
    sendPage(response, adminView(contextOf(request), projects, keys));
  }
}
