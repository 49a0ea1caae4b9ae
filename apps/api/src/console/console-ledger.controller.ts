import { Controller, Get, Inject, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '@assay/config';
import { ModelRepository, Role } from '@assay/db';
import { SigningService } from '@assay/ledger';
import { ModelsService } from '@assay/models';
import { ReportsService } from '@assay/reports';
import { DomainError, ErrorCode, badInput, notFound } from '@assay/common';
import { LedgerQueryService } from '../ledger/ledger-query.service.js';
import { SigningKeyDto } from '../signing-keys/signing-key.dto.js';
import { ConsoleRoute } from './console-access.js';
import { afterForm, contextOf, sendPage } from './console-page.js';
import { formField, type ConsoleRequest } from './console-session.guard.js';
import { ledgerView } from './views/ledger.view.js';
import { reportView, reportsView } from './views/reports.view.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DOCUMENTS = {
  envelope: { which: 'envelope', type: 'application/json', file: (id: string) => `report-${id}.dsse.json` },
  html: { which: 'html', type: 'text/html; charset=utf-8', file: (id: string) => `report-${id}.html` },
  cyclonedx: { which: 'cyclonedx', type: 'application/vnd.cyclonedx+json', file: (id: string) => `report-${id}.cdx.json` },
} as const;

function dayOf(value: string | undefined, field: string): Date {
  if (!value || !DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw badInput(`${field} must be a day as YYYY-MM-DD`);
  return new Date(`${value}T00:00:00Z`);
}

@ApiExcludeController()
@Controller('console')
export class ConsoleLedgerController {
  constructor(
    private readonly ledger: LedgerQueryService,
    private readonly signing: SigningService,
    private readonly reports: ReportsService,
    private readonly models: ModelsService,
    private readonly modelRows: ModelRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('ledger')
  @ConsoleRoute(Role.Auditor, Role.Owner, Role.Ci, Role.Admin)
  async ledgerPage(@Req() request: ConsoleRequest, @Res() response: Response, @Query('entry') entry?: string): Promise<void> {
    if (entry !== undefined && !/^\d{1,15}$/.test(entry)) throw badInput('the entry index must be a whole number');
    const [checkpoint, keys, found] = await Promise.all([
      this.ledger.checkpoint().catch((error: unknown) => {
        if (error instanceof DomainError && error.code === ErrorCode.NotFound) return null;
        throw error;
      }),
      this.signing.publicKeys(),
      entry === undefined ? Promise.resolve(null) : this.ledger.entry(request.principal!, Number(entry)),
    ]);
    const published = keys.map((k) => SigningKeyDto.from(k, this.config.ledger.origin));
    sendPage(response, ledgerView(contextOf(request), checkpoint, published, found, entry));
  }

  @Get('reports')
  @ConsoleRoute(Role.Auditor, Role.Owner)
  async reportsPage(@Req() request: ConsoleRequest, @Res() response: Response, @Query('model') name?: string): Promise<void> {
    const models = await this.models.list(request.principal!);
    const model = (name ? models.find((m) => m.name === name) : models[0]) ?? null;
    if (name && !model) throw notFound(`model ${name}`);
    const reports = model ? await this.reports.list(request.principal!.projectId!, model.name) : [];
    sendPage(response, reportsView(contextOf(request), models, model, reports));
  }

  @Post('reports')
  @ConsoleRoute(Role.Auditor, Role.Owner)
  async request(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    const model = formField(request, 'model');
    if (!model) throw badInput('choose a model');
    const from = dayOf(formField(request, 'from'), 'from');
    const to = new Date(dayOf(formField(request, 'to'), 'to').getTime() + 86_400_000);
    if (!(from < to)) throw badInput('"from" must not be after "to"');
    const report = await this.reports.request(request.principal!.projectId!, model, from, to);
    afterForm(request, response, { id: report.id, status: report.status }, `/console/reports/${report.id}`);
  }

  @Get('reports/:id')
  @ConsoleRoute(Role.Auditor, Role.Owner)
  async report(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    const report = await this.reports.get(request.principal!.projectId!, id);
    const model = report.modelId === null ? null : await this.modelRows.findById(report.modelId);
    if (request.accepts(['text/html', 'application/json']) === 'application/json') {
      response.json({ id: report.id, status: report.status });
      return;
    }
    sendPage(response, reportView(contextOf(request), report, model?.name ?? report.modelId ?? 'tiering'));
  }

  @Get('reports/:id/:document')
  @ConsoleRoute(Role.Auditor, Role.Owner)
  async download(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id', ParseUUIDPipe) id: string, @Param('document') document: string): Promise<void> {
    const spec = DOCUMENTS[document as keyof typeof DOCUMENTS];
    if (!spec) throw notFound(`report document "${document}" (envelope, html or cyclonedx)`);
    const report = await this.reports.get(request.principal!.projectId!, id);
    if (report.status !== 'ready') throw new DomainError(ErrorCode.Conflict, `the report is ${report.status}, not ready yet`);
    if (report.kind === 'tiering' && spec.which === 'cyclonedx') throw notFound('a model card of a tiering report (it covers journeys, not one model)');
    const text = await this.reports.document(report.id, spec.which);
    if (text === null) throw notFound(`the ${document} of report ${id}`);
    // A download, never rendered under the console's origin: the printable page carries its own styles.
    response.status(200).type(spec.type).setHeader('Content-Disposition', `attachment; filename="${spec.file(report.id)}"`);
    response.send(text);
  }
}
