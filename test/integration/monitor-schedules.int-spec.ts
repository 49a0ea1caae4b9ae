import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import pg from 'pg';
import { schedulerId } from '@assay/monitoring';
import { JOB_LOCK_MS, JobName, QueueName, QueueService, STALLED_CHECK_MS } from '@assay/queue';
import { reportSchedulerId } from '@assay/reports';
import {
  call, createIsolatedDatabase, eventually, freePort, seedProject, spawnAssay, startTestAssay, testAdminKey, uniqueName,
  type IsolatedDatabase, type SeededProject, type SpawnedProcess, type TestAssay,
} from '@assay/testing';

const MONITORS = 40;

describe('scheduled monitor runs across two worker processes', () => {
  const prefix = `${process.env.ASSAY_QUEUE_PREFIX}-schedules`;
  let api: TestAssay;
  let project: SeededProject;
  let db: pg.Client;
  const workers: SpawnedProcess[] = [];
  const model = uniqueName('scheduled-model');
  let modelId = '';

  let database: IsolatedDatabase;

  // Ready means its queue workers are running: the HTTP port opens after the application's bootstrap.
  async function spawnReadyWorker(): Promise<SpawnedProcess> {
    const port = await freePort();
    const worker = spawnAssay(['serve', 'worker'], {
      ...process.env,
      DATABASE_URL: database.url,
      ASSAY_QUEUE_PREFIX: prefix,
      ASSAY_WORKER_PORT: String(port),
      ASSAY_ADMIN_KEY: testAdminKey(),
      ASSAY_LOG_LEVEL: process.env.ASSAY_TEST_WORKER_LOG_LEVEL ?? 'warn',
    });
    workers.push(worker);
    await eventually(async () => {
      const ready = await call('GET', `http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
      return ready?.status === 200 ? true : null;
    }, 60_000, 200).catch((error: Error) => {
      throw new Error(`${error.message}: worker not ready\n${worker.output().slice(-2000)}`);
    });
    return worker;
  }

  before(async () => {
    // A database of its own: these workers schedule every monitor they find, and must not run other tests'.
    database = await createIsolatedDatabase('schedules');
    api = await startTestAssay({ apps: ['api'], env: { ASSAY_QUEUE_PREFIX: prefix, DATABASE_URL: database.url } });
    project = await seedProject(api);
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    modelId = (await db.query<{ id: string }>(`INSERT INTO models (project_id, name) VALUES ($1, $2) RETURNING id`, [project.id, model])).rows[0].id;
  });

  after(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    await db.end();
    await api.close();
    await database.drop();
  });

  it('stores each one-second tick exactly once, and loses none when a worker is killed mid-run', async () => {
    const [first] = await Promise.all([spawnReadyWorker(), spawnReadyWorker()]);
    const ids: string[] = [];
    for (let i = 0; i < MONITORS; i++) {
      const created = await call<{ id: string }>('POST', `${api.apiUrl}/v1/models/${model}/policies`, {
        key: project.keys.owner.key,
        json: { name: `count ${i}`, rule: 'count() >= 0', window: { type: 'time', seconds: 60 }, minSamples: 1, scheduleSeconds: 1 },
      });
      assert.equal(created.status, 201, created.text);
      ids.push(created.body.id);
    }
    const allCreatedAt = Date.now();
    await new Promise((r) => setTimeout(r, 25_000));
    const killedAt = Date.now();
    await first.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 35_000));
    const disablingAt = Date.now();
    for (const id of ids) {
      const disabled = await call('PATCH', `${api.apiUrl}/v1/policies/${id}`, { key: project.keys.owner.key, json: { enabled: false } });
      assert.equal(disabled.status, 200);
    }
    const from = allCreatedAt + 1000;
    const to = disablingAt - 2000;

    // A job held by the killed worker is taken over once its lock expires; wait for every tick to be whole.
    let last: Array<{ tick: string; runs: number }> = [];
    const ticks = await eventually(async () => {
      const rows = await db.query<{ tick: string; runs: number }>(
        `SELECT extract(epoch FROM window_to) * 1000 AS tick, count(*)::int AS runs FROM check_runs r
           JOIN monitors m ON m.id = r.monitor_id
          WHERE m.model_id = (SELECT id FROM models WHERE name = $1) AND r.trigger = 'schedule'
            AND window_to > $2 AND window_to <= $3
          GROUP BY window_to ORDER BY window_to`,
        [model, new Date(from), new Date(to)],
      );
      last = rows.rows;
      const partial = rows.rows.filter((r) => r.runs !== MONITORS);
      return partial.length === 0 && rows.rows.length > 0 ? rows.rows.map((r) => Math.round(Number(r.tick))) : null;
    }, 60_000, 1000).catch((error: Error) => {
      const partial = last.filter((r) => r.runs !== MONITORS).map((r) => `${new Date(Number(r.tick)).toISOString()}: ${r.runs}`);
      const output = workers.map((w) => w.output().slice(-2000)).join('\n---\n');
      throw new Error(`${error.message}; ${last.length} ticks, incomplete: ${partial.join(', ')}\nworkers:\n${output}`);
    });

    // The schedule keeps its one-second beat from start to end. A worker that takes a tick late skips
    // the ticks it missed (BullMQ does not backfill), so on a loaded machine a few seconds may go by;
    // the one long pause allowed is the killed worker's: had it taken a tick but not yet queued the
    // next, the schedule waits until that tick is taken over (README, Architecture).
    const hiccupMs = 5000;
    const takeover = JOB_LOCK_MS + STALLED_CHECK_MS;
    const bounds = [from, ...ticks, to];
    const gaps = bounds.slice(1).map((end, i) => ({ start: bounds[i], end })).filter((g) => g.end - g.start > hiccupMs);
    const describeGap = (g: { start: number; end: number }) => `${(g.start - killedAt) / 1000}s..${(g.end - killedAt) / 1000}s`;
    const allowed = (g: { start: number; end: number }) =>
      g.start >= killedAt - 3000 && g.start <= killedAt + 1000 && g.end - g.start <= takeover + 4000;
    assert.deepEqual(
      gaps.filter((g) => !allowed(g)).map(describeGap),
      [],
      `${ticks.length} ticks; gaps (relative to the kill): ${gaps.map(describeGap).join(', ')}`,
    );
    assert.ok(gaps.length <= 1, `more than one pause: ${gaps.map(describeGap).join(', ')}`);

    // Every tick the scheduler produced became exactly one complete set of runs, including the one
    // the killed worker held: its job is taken over and completed by the other worker.
    const queue = new Queue(QueueName.DriftCheck, { connection: { url: process.env.REDIS_URL! }, prefix });
    try {
      const jobs = await queue.getJobs(['completed', 'failed', 'active', 'wait', 'delayed']);
      const ours = jobs.filter((job) => job.name === JobName.MonitorTick && (job.data as { modelId: string }).modelId === modelId);
      assert.deepEqual(ours.filter((job) => job.failedReason).map((job) => job.failedReason), []);
      const completedTicks = ours
        .filter((job) => job.finishedOn && !job.failedReason)
        .map((job) => Number(/:(\d+)$/.exec(job.id!)![1]))
        .filter((tick) => tick > from && tick <= to)
        .sort((a, b) => a - b);
      // After a stall, BullMQ may start a second chain of ticks for a few seconds; those ticks are
      // extra windows, each still stored once. What must hold is that no produced tick went missing.
      // The killed worker's tick may be stored (it committed, then died) and its job not yet taken over.
      const stored = new Set(ticks);
      assert.ok(completedTicks.length >= ticks.length - 1, `${completedTicks.length} completed tick jobs for ${ticks.length} stored ticks`);
      assert.deepEqual(completedTicks.filter((tick) => !stored.has(tick)), [], 'a tick job completed without its runs');
    } finally {
      await queue.close();
    }
    const duplicates = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT monitor_id, window_to FROM check_runs WHERE trigger = 'schedule'
         GROUP BY monitor_id, window_to HAVING count(*) > 1) d`,
    );
    assert.equal(duplicates.rows[0].n, 0);
  });

  it('ends a schedule whose monitors or report schedule are gone, as one left behind while Redis was unreachable', async () => {
    const orphan = randomUUID();
    const queues = new QueueService({ redisUrl: process.env.REDIS_URL!, prefix, consume: 'none', concurrency: 1 });
    try {
      // A worker may take the first tick, and end the schedule, before these calls return.
      assert.deepEqual(
        [
          await queues.ensureScheduler(schedulerId(orphan, 1), { every: 1000 }, { name: JobName.MonitorTick, data: { modelId: orphan, scheduleSeconds: 1 } }),
          await queues.ensureScheduler(reportSchedulerId(orphan), { every: 1000 }, { name: JobName.ReportScheduled, data: { modelId: orphan } }),
        ],
        ['created', 'created'],
      );
      const left = async () => ({
        monitors: await queues.queue(QueueName.DriftCheck).getJobScheduler(schedulerId(orphan, 1)),
        reports: await queues.queue(QueueName.ReportBuild).getJobScheduler(reportSchedulerId(orphan)),
      });
      await eventually(async () => {
        const { monitors, reports } = await left();
        return monitors === undefined && reports === undefined;
      }, 20_000, 250);
    } finally {
      await queues.onModuleDestroy();
    }
  });
});
