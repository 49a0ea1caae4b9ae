import { Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Role } from '@assay/db';
import { badInput } from '@assay/common';
import { TieringReportsService } from '@assay/reports';
import { TieringService } from '@assay/tiering';
import { ConsoleRoute } from './console-access.js';
import { afterForm, contextOf, sendPage } from './console-page.js';
import { formField, type ConsoleRequest } from './console-session.guard.js';
import { tieringView } from './views/tiering.view.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** A day field as the start of that UTC day; `inclusive` turns a last day into the next day's midnight. */
function dayOf(value: string | undefined, field: string, inclusive = false): Date | undefined {
  if (value === undefined || value === '') return undefined;
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw badInput(`${field} must be a day as YYYY-MM-DD`);
  return new Date(Date.parse(`${value}T00:00:00Z`) + (inclusive ? DAY_MS : 0));
}

@ApiExcludeController()
@Controller('console')
export class ConsoleTieringController {
  constructor(
    private readonly tiering: TieringService,
    private readonly reports: TieringReportsService,
  ) {}

  @Get('tiering')
  @ConsoleRoute(Role.Owner, Role.Auditor)
  async page(@Req() request: ConsoleRequest, @Res() response: Response, @Query('from') from?: string, @Query('to') to?: string): Promise<void> {
    const projectId = request.principal!.projectId!;
    const [report, signed] = await Promise.all([
      this.tiering.report(projectId, { from: dayOf(from, 'from'), to: dayOf(to, 'to', true) ?? nextMidnight() }),
      this.reports.list(projectId),
    ]);
    sendPage(response, tieringView(contextOf(request), report, signed));
  }

  @Post('tiering/reports')
  @ConsoleRoute(Role.Owner, Role.Auditor)
  async request(@Req() request: ConsoleRequest, @Res() response: Response): Promise<void> {
    const from = dayOf(formField(request, 'from'), 'from');
    const to = dayOf(formField(request, 'to'), 'to', true);
    if (!from || !to) throw badInput('give the first and the last day of the window');
    const report = await this.reports.request(request.principal!.projectId!, { from, to });
    afterForm(request, response, { id: report.id, status: report.status }, `/console/reports/${report.id}`);
  }
}

// Whole days, so the page's window is the one its day fields show.
function nextMidnight(now = Date.now()): Date {
  return new Date(Math.floor(now / DAY_MS) * DAY_MS + DAY_MS);
}
