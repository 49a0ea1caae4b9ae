import os from 'node:os';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobRunRepository } from '@assay/db';
import { JobName, OnJob, type JobContext, type JobPayloads } from '@assay/queue';

@Injectable()
export class DiagnosticsProcessor {
  constructor(
    private readonly runs: JobRunRepository,
    private readonly dataSource: DataSource,
  ) {}

  @OnJob(JobName.DiagnosticsRoundtrip)
  async roundtrip(data: JobPayloads[JobName.DiagnosticsRoundtrip], context: JobContext): Promise<{ queueLatencyMs: number }> {
    const [{ server_version: version }] = (await this.dataSource.query('SHOW server_version')) as Array<{ server_version: string }>;
    const queueLatencyMs = Date.now() - Date.parse(data.requestedAt);
    await this.runs.complete(data.runId, context.attempt, {
      worker: `${os.hostname()}:${process.pid}`,
      queue: context.queue,
      jobId: context.jobId,
      queueLatencyMs,
      postgresVersion: version ?? null,
    });
    return { queueLatencyMs };
  }
}
