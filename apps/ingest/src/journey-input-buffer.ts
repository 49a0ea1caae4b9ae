import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, appMetrics } from '@assay/common';
import { JourneyRepository, type InputSketchToAdd } from '@assay/db';
import { DEFAULT_DISTINCT_PRECISION, DistinctSketch, encodeDistinctRegisters, mergeDistinctBytes } from '@assay/stats';

const ingestMetrics = appMetrics('ingest');
const flushes = ingestMetrics.counter('assay_ingest_journey_sketch_flushes_total', 'Writes of the buffered journey input sketches, by outcome', ['outcome'] as const);
const dropped = ingestMetrics.counter('assay_ingest_journey_sketch_calls_dropped_total', 'Calls whose input hashes were dropped: the buffer was full while the database refused its writes', []);

export const FLUSH_INTERVAL_MS = 5_000;
// Dense registers are 16 KiB each at the default precision: at most 32 MiB held.
const MAX_BUFFERED = 2048;
const FLUSH_AT = 512;
const PRECISION = DEFAULT_DISTINCT_PRECISION;

interface Buffered extends InputSketchToAdd {
  registers: Uint8Array;
  sketch: DistinctSketch;
}

/**
 * The input sketches of the calls this process accepted, merged in memory and added to the stored
 * ones every FLUSH_INTERVAL_MS (and on shutdown): one read and one write per journey and hour per
 * interval instead of one per request. A process that dies without shutting down loses the hashes
 * and the calls_with_input of at most its last interval, both together.
 */
@Injectable()
export class JourneyInputBuffer implements OnModuleDestroy {
  private buffered = new Map<string, Buffered>();
  private flushing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly journeys: JourneyRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Hashes as high and low 32 bits in turn. */
  add(projectId: string, journey: string, hourMs: number, calls: number, hashes: readonly number[]): void {
    const key = `${projectId}\u0000${journey}\u0000${hourMs}`;
    let entry = this.buffered.get(key);
    if (entry === undefined) {
      if (this.buffered.size >= MAX_BUFFERED) {
        dropped.inc(calls);
        return;
      }
      const registers = new Uint8Array(1 << PRECISION);
      entry = { projectId, journey, hourMs, callsWithInput: 0, registers, sketch: new DistinctSketch(PRECISION, registers) };
      this.buffered.set(key, entry);
      if (this.buffered.size >= FLUSH_AT) void this.flush();
    }
    entry.callsWithInput += calls;
    for (let i = 0; i < hashes.length; i += 2) entry.sketch.addHash(hashes[i], hashes[i + 1]);
  }

  /** Writes what is buffered; on failure keeps it for the next flush. */
  flush(): Promise<void> {
    if (this.flushing !== null) return this.flushing;
    if (this.buffered.size === 0) return Promise.resolve();
    const taken = this.buffered;
    this.buffered = new Map();
    this.flushing = this.journeys
      .addInputSketches([...taken.values()], mergeStored)
      .then(
        () => flushes.inc({ outcome: 'written' }),
        (error: unknown) => {
          flushes.inc({ outcome: 'failed' });
          this.logger.warn({ err: (error as Error).message }, 'journey input sketches not written; kept for the next flush');
          this.putBack(taken);
        },
      )
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }

  private putBack(taken: Map<string, Buffered>): void {
    for (const [key, entry] of taken) {
      const now = this.buffered.get(key);
      if (now !== undefined) {
        now.callsWithInput += entry.callsWithInput;
        for (let i = 0; i < entry.registers.length; i++) if (entry.registers[i] > now.registers[i]) now.registers[i] = entry.registers[i];
      } else if (this.buffered.size < MAX_BUFFERED) this.buffered.set(key, entry);
      else dropped.inc(entry.callsWithInput);
    }
  }
}

function mergeStored(stored: Uint8Array | null, row: Buffered): Uint8Array {
  if (stored === null) return encodeDistinctRegisters(PRECISION, row.registers);
  const registers = row.registers.slice();
  mergeDistinctBytes(stored, PRECISION, registers);
  return encodeDistinctRegisters(PRECISION, registers);
}
