import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Injectable } from '@nestjs/common';
import { JobName, OnJob } from '@assay/queue';
import { startTestAssay, type TestAssay } from '@assay/testing';
import { JOB_PROCESSORS } from '@assay/worker';

@Injectable()
class SecondDiagnosticsHandler {
  @OnJob(JobName.DiagnosticsRoundtrip)
  async roundtrip(): Promise<void> {
    return undefined;
  }
}

describe('worker start-up', () => {
  const started: TestAssay[] = [];
  after(async () => {
    for (const assay of started) await assay.close();
  });

  it('fails when a job of a consumed queue has no handler', async () => {
    await assert.rejects(
      startTestAssay({ apps: ['worker'], processors: [] }).then((a) => started.push(a)),
      /job "diagnostics\.roundtrip" on queue "maintenance" has no handler/,
    );
  });

  it('fails when a job has two handlers', async () => {
    await assert.rejects(
      startTestAssay({ apps: ['worker'], processors: [...JOB_PROCESSORS, SecondDiagnosticsHandler] }).then((a) => started.push(a)),
      /job "diagnostics\.roundtrip" has two handlers: DiagnosticsProcessor\.roundtrip and SecondDiagnosticsHandler\.roundtrip/,
    );
  });

  it('refuses an unknown queue name in ASSAY_WORKER_QUEUES', async () => {
    await assert.rejects(
      startTestAssay({ apps: ['worker'], env: { ASSAY_WORKER_QUEUES: 'drift-check,nonsense' } }).then((a) => started.push(a)),
      /ASSAY_WORKER_QUEUES names unknown queues: nonsense/,
    );
  });
});
