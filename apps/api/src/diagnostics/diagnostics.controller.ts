import { randomUUID } from 'node:crypto';
import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { JobRunRepository, Role, type JobRunEntity } from '@assay/db';
import { CurrentPrincipal, Roles, notFound, type Principal } from '@assay/common';
import { JOB_QUEUE, JobName, QueueService } from '@assay/queue';

export class JobRunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() queue!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['queued', 'completed', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ type: Object, nullable: true }) result!: Record<string, unknown> | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) finishedAt!: string | null;

  static from(run: JobRunEntity): JobRunDto {
    return {
      id: run.id, queue: run.queue, name: run.name, status: run.status, attempts: run.attempts,
      result: run.result, error: run.error, createdAt: run.createdAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null,
    };
  }
}

// Lets an operator prove that the API, Redis, a worker and PostgreSQL are wired together.
@ApiTags('diagnostics')
@Controller('v1/diagnostics')
export class DiagnosticsController {
  constructor(
    private readonly runs: JobRunRepository,
    private readonly queues: QueueService,
  ) {}

  @Post('roundtrip')
  @ApiOperation({ summary: 'Start a job round trip through the queue and a worker' })
  @HttpCode(202)
  @Roles(Role.Admin, Role.Owner)
  @ApiAcceptedResponse({ type: JobRunDto, description: 'queued; poll GET /v1/diagnostics/roundtrip/{id}' })
  async start(@CurrentPrincipal() principal: Principal): Promise<JobRunDto> {
    const run = await this.runs.createQueued({
      id: randomUUID(),
      projectId: principal.projectId,
      queue: JOB_QUEUE[JobName.DiagnosticsRoundtrip],
      name: JobName.DiagnosticsRoundtrip,
    });
    await this.queues.enqueue(
      { name: JobName.DiagnosticsRoundtrip, data: { runId: run.id, projectId: principal.projectId, requestedAt: new Date().toISOString() } },
      { jobId: run.id },
    );
    return JobRunDto.from(run);
  }

  @Get('roundtrip/:id')
  @ApiOperation({ summary: 'Get a job round trip’s outcome' })
  @Roles(Role.Admin, Role.Owner)
  @ApiOkResponse({ type: JobRunDto })
  async get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<JobRunDto> {
    const run = await this.runs.findById(id);
    if (!run || (principal.role !== Role.Admin && run.projectId !== principal.projectId)) throw notFound(`diagnostic run ${id}`);
    return JobRunDto.from(run);
  }
}
