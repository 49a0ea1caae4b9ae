import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { OtlpError, type OtlpErrorKind, type OtlpFormat } from '@assay/otlp';
import type { CatalogSource, ProjectCatalog } from '@assay/models';
import type { IngestPlan } from './ingest-plan.js';

export interface PlanTask {
  id: number;
  projectId: string;
  revision: number;
  /** Sent when the thread may not hold this revision yet. */
  source: CatalogSource | null;
  body: Uint8Array;
  format: OtlpFormat;
  nowMs: number;
  maxAgeMs: number;
  collectUnknownModels: boolean;
}

/** Tells a thread to drop the catalogs it holds (the pool then sends each again with its next task). */
export interface ForgetCatalogs {
  forget: true;
}

export type PlanReply =
  | { id: number; plan: IngestPlan }
  | { id: number; otlpError: { kind: OtlpErrorKind; message: string } }
  | { id: number; error: string };

const RESTART_BACKOFF_MS = 1000;
const DEFAULT_MAX_CATALOGS_PER_THREAD = 1000;

interface Pending {
  resolve(plan: IngestPlan): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Catalog revision sent to this thread, per project. */
  sent: Map<string, number>;
}

export interface PlanRequest {
  projectId: string;
  catalog: ProjectCatalog;
  body: Uint8Array;
  format: OtlpFormat;
  nowMs: number;
  maxAgeMs: number;
  collectUnknownModels: boolean;
}

/**
 * Threads that decode and plan OTLP requests, so that the event loop which serves HTTP and writes
 * to PostgreSQL is not also the one that decodes: on a machine with spare cores the ingest takes
 * more requests per second, and decoding's garbage is collected on the threads that made it.
 * A request goes to the thread with the fewest in flight. A thread that dies fails its requests
 * (the exporter retries them) and is replaced.
 */
export class PlannerPool {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private closing = false;

  constructor(
    size: number,
    private readonly logger: Logger,
    private readonly maxCatalogsPerThread = DEFAULT_MAX_CATALOGS_PER_THREAD,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  get size(): number {
    return this.slots.length;
  }

  /** Plans on a thread; null when no thread is running (the caller plans it itself). */
  plan(request: PlanRequest): Promise<IngestPlan> | null {
    if (this.closing || this.slots.length === 0) return null;
    let slot = this.slots[0];
    for (const candidate of this.slots) if (candidate.pending.size < slot.pending.size) slot = candidate;
    const { projectId, catalog } = request;
    const fresh = slot.sent.get(projectId) !== catalog.revision;
    if (fresh && !slot.sent.has(projectId) && slot.sent.size >= this.maxCatalogsPerThread) {
      // The thread's copies are bounded: it forgets them all, in order, before this task arrives.
      slot.sent.clear();
      slot.worker.postMessage({ forget: true } satisfies ForgetCatalogs);
    }
    if (fresh) slot.sent.set(projectId, catalog.revision);
    // A copy of its own, moved to the thread: the caller keeps its body (it may plan it again).
    const body = new Uint8Array(request.body);
    const task: PlanTask = {
      id: ++this.nextId,
      projectId,
      revision: catalog.revision,
      source: fresh ? catalog.source : null,
      body,
      format: request.format,
      nowMs: request.nowMs,
      maxAgeMs: request.maxAgeMs,
      collectUnknownModels: request.collectUnknownModels,
    };
    return new Promise<IngestPlan>((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(task.id, { resolve, reject });
      slot.worker.postMessage(task, [body.buffer]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(new URL('./planner-thread.js', import.meta.url)), pending: new Map(), sent: new Map() };
    slot.worker.on('message', (reply: PlanReply) => {
      const pending = slot.pending.get(reply.id);
      if (!pending) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) slot.worker.unref();
      if ('plan' in reply) pending.resolve(reply.plan);
      else if ('otlpError' in reply) pending.reject(new OtlpError(reply.otlpError.kind, reply.otlpError.message));
      else pending.reject(new Error(`ingest planner thread: ${reply.error}`));
    });
    slot.worker.on('error', (error) => this.logger.error({ err: error }, 'ingest planner thread failed'));
    const started = Date.now();
    slot.worker.on('exit', (code) => {
      const error = new Error(`ingest planner thread stopped (exit code ${code})`);
      for (const pending of slot.pending.values()) pending.reject(error);
      slot.pending.clear();
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      if (this.closing) return;
      // A thread that cannot even start is not restarted in a tight loop; meanwhile the others (or,
      // with none left, the event loop itself) plan the requests.
      const respawn = (): void => {
        if (!this.closing) this.slots.push(this.spawn());
      };
      if (Date.now() - started < RESTART_BACKOFF_MS) setTimeout(respawn, RESTART_BACKOFF_MS).unref();
      else respawn();
    });
    // An idle thread does not keep the process alive; one with work in flight does.
    slot.worker.unref();
    return slot;
  }
}
