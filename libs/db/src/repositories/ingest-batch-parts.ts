import type { CountToWrite, IngestBatch, JourneyCountToWrite, JourneyOverflowToWrite, LateEvaluation, SampleToWrite, UnmatchedToWrite } from './ingest.repository.js';
import { journeyCountKey } from './journey-rows.js';

/** A row of a batch that the database refused, and the spans it stood for. */
export interface WriteRefusal {
  spans: number;
  /** The span, when the row was one span's (a sample, a late evaluation). */
  traceId: string | null;
  spanId: string | null;
  reason: string;
}

/**
 * The smallest piece of a batch that can be written or refused on its own: a sample with its share
 * of the counts, the counts of the spans that were not sampled, one unmatched-span counter, one
 * late evaluation.
 */
export interface BatchPart {
  samples: SampleToWrite[];
  counts: CountToWrite[];
  journeyCounts: JourneyCountToWrite[];
  journeyOverflow: JourneyOverflowToWrite[];
  unmatched: UnmatchedToWrite[];
  lateEvaluations: LateEvaluation[];
  spans: number;
  subject: string;
  traceId: string | null;
  spanId: string | null;
}

const MINUTE_MS = 60_000;
const countKey = (c: Pick<CountToWrite, 'modelId' | 'version' | 'minuteMs'>): string => `${c.modelId}\u0000${c.version}\u0000${c.minuteMs}`;
const minuteOf = (micros: bigint): number => {
  const ms = Number(micros / 1000n);
  return ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
};
const at = (minuteMs: number): string => new Date(minuteMs).toISOString().slice(0, 16);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const empty = (): Pick<BatchPart, 'samples' | 'counts' | 'journeyCounts' | 'journeyOverflow' | 'unmatched' | 'lateEvaluations'> => ({
  samples: [],
  counts: [],
  journeyCounts: [],
  journeyOverflow: [],
  unmatched: [],
  lateEvaluations: [],
});

export function partsOf(batch: IngestBatch): BatchPart[] {
  const rest = new Map<string, CountToWrite>();
  for (const count of batch.counts) {
    const k = countKey(count);
    const into = rest.get(k);
    if (into) {
      into.seen += count.seen;
      into.sampled += count.sampled;
    } else rest.set(k, { ...count });
  }
  const journeyRest = new Map<string, JourneyCountToWrite>();
  for (const count of batch.journeyCounts ?? []) journeyRest.set(journeyCountKey(count), { ...count });
  const parts: BatchPart[] = [];
  for (const sample of batch.samples) {
    const share = { modelId: sample.modelId, version: sample.version, minuteMs: minuteOf(sample.timeMicros), seen: 1, sampled: 1 };
    const total = rest.get(countKey(share));
    const counted = total !== undefined && total.seen > 0 && total.sampled > 0;
    if (counted) {
      total.seen--;
      total.sampled--;
    }
    const journeyShare = { ...share, journey: sample.journey ?? '(none)' };
    const journeyTotal = journeyRest.get(journeyCountKey(journeyShare));
    const journeyCounted = journeyTotal !== undefined && journeyTotal.seen > 0 && journeyTotal.sampled > 0;
    if (journeyCounted) {
      journeyTotal.seen--;
      journeyTotal.sampled--;
    }
    parts.push({
      ...empty(),
      samples: [sample],
      counts: counted ? [share] : [],
      journeyCounts: journeyCounted ? [journeyShare] : [],
      spans: 1,
      subject: `span ${sample.spanId}`,
      traceId: sample.traceId,
      spanId: sample.spanId,
    });
  }
  // The journey counts of the spans not sampled go with their model's count.
  const journeysOfCount = new Map<string, JourneyCountToWrite[]>();
  for (const count of journeyRest.values()) {
    if (count.seen === 0 && count.sampled === 0) continue;
    const k = countKey(count);
    journeysOfCount.set(k, [...(journeysOfCount.get(k) ?? []), count]);
  }
  for (const count of rest.values()) {
    const journeyCounts = journeysOfCount.get(countKey(count)) ?? [];
    journeysOfCount.delete(countKey(count));
    if (count.seen === 0 && count.sampled === 0 && journeyCounts.length === 0) continue;
    parts.push({ ...empty(), counts: [count], journeyCounts, spans: count.seen, subject: `${plural(count.seen, 'span')} not sampled at ${at(count.minuteMs)}`, traceId: null, spanId: null });
  }
  for (const journeyCounts of journeysOfCount.values()) {
    parts.push({ ...empty(), journeyCounts, spans: 0, subject: `journey counts at ${at(journeyCounts[0].minuteMs)}`, traceId: null, spanId: null });
  }
  for (const overflow of batch.journeyOverflow ?? []) {
    parts.push({ ...empty(), journeyOverflow: [overflow], spans: 0, subject: `journey overflow at ${at(overflow.minuteMs)}`, traceId: null, spanId: null });
  }
  for (const unmatched of batch.unmatched) {
    parts.push({ ...empty(), unmatched: [unmatched], spans: unmatched.count, subject: `${plural(unmatched.count, 'unmatched span')} at ${at(unmatched.minuteMs)}`, traceId: null, spanId: null });
  }
  for (const evaluation of batch.lateEvaluations) {
    const span = evaluation.parentSpanId ?? `with response id of ${evaluation.responseId?.length ?? 0} characters`;
    parts.push({ ...empty(), lateEvaluations: [evaluation], spans: 1, subject: `evaluation of span ${span}`, traceId: evaluation.traceId, spanId: evaluation.parentSpanId });
  }
  return parts;
}

/** The batch that writes exactly `parts` of `batch`. */
export function batchOfParts(batch: IngestBatch, parts: readonly BatchPart[]): IngestBatch {
  const counts = new Map<string, CountToWrite>();
  for (const part of parts) {
    for (const count of part.counts) {
      const into = counts.get(countKey(count));
      if (into) {
        into.seen += count.seen;
        into.sampled += count.sampled;
      } else counts.set(countKey(count), { ...count });
    }
  }
  return {
    ...batch,
    samples: parts.flatMap((p) => p.samples),
    counts: [...counts.values()],
    journeyCounts: parts.flatMap((p) => p.journeyCounts),
    journeyOverflow: parts.flatMap((p) => p.journeyOverflow),
    unmatched: parts.flatMap((p) => p.unmatched),
    lateEvaluations: parts.flatMap((p) => p.lateEvaluations),
  };
}

// SQLSTATE classes of a value the database will not take however often it is sent: 22 data
// exception (e.g. 22021 a byte sequence invalid in UTF-8, 22P05 an untranslatable character such as
// \u0000 in jsonb), 54 program limit exceeded (e.g. 54000 an index row too large).
export function refusesAValue(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('54'));
}

/** Why a row was refused, naming the span or counter and the SQLSTATE, never echoing the value. */
export function refusalOf(part: BatchPart, error: unknown): WriteRefusal {
  const code = String((error as { code?: unknown }).code);
  const what =
    code === '54000'
      ? 'a value too long for the database to index'
      : code === '22021' || code === '22P05'
        ? 'text the database cannot store'
        : 'a value the database refuses';
  return { spans: part.spans, traceId: part.traceId, spanId: part.spanId, reason: `${part.subject}: ${what} (SQLSTATE ${code})` };
}
