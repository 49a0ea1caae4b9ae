import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators.js';
import { APP_METRICS, type AppMetrics } from './metrics.js';
import { ReadinessService } from './readiness.service.js';

@ApiExcludeController()
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: ReadinessService,
    @Inject(APP_METRICS) private readonly appMetrics: AppMetrics,
  ) {}

  @Get('healthz')
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res() response: Response): Promise<void> {
    const result = await this.readiness.check();
    if (!result.ready) response.setHeader('Retry-After', '5');
    response.status(result.ready ? 200 : 503).json(result);
  }

  @Get('metrics')
  async metrics(@Res() response: Response): Promise<void> {
    const { registry } = this.appMetrics;
    const text = await registry.metrics();
    response.setHeader('Content-Type', registry.contentType);
    response.status(200).send(text);
  }
}
