import type { IngestBatch, JourneyCountToWrite, JourneyOverflowToWrite } from './ingest.repository.js';

type ProjectJourneyCount = JourneyCountToWrite & { projectId: string };
type ProjectOverflow = JourneyOverflowToWrite & { projectId: string };

export const journeyCountKey = (c: Pick<JourneyCountToWrite, 'modelId' | 'version' | 'journey' | 'minuteMs'>): string =>
  `${c.modelId}\u0000${c.version}\u0000${c.journey}\u0000${c.minuteMs}`;

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The journey counters of some batches, one row per key (an upsert may not touch a row twice in one
 * statement), in the order every writer locks them so that concurrent writers cannot deadlock.
 */
export function mergedJourneyCounts(batches: readonly IngestBatch[]): ProjectJourneyCount[] {
  const merged = new Map<string, ProjectJourneyCount>();
  for (const batch of batches) {
    for (const count of batch.journeyCounts ?? []) {
      const k = journeyCountKey(count);
      const into = merged.get(k);
      if (into) {
        into.seen += count.seen;
        into.sampled += count.sampled;
      } else merged.set(k, { ...count, projectId: batch.projectId });
    }
  }
  return [...merged.values()]
    .filter((c) => c.seen > 0 || c.sampled > 0)
    .sort((a, b) => byText(a.modelId, b.modelId) || byText(a.version, b.version) || byText(a.journey, b.journey) || a.minuteMs - b.minuteMs);
}

export function mergedJourneyOverflow(batches: readonly IngestBatch[]): ProjectOverflow[] {
  const merged = new Map<string, ProjectOverflow>();
  for (const batch of batches) {
    for (const overflow of batch.journeyOverflow ?? []) {
      const k = `${batch.projectId}\u0000${overflow.minuteMs}`;
      const into = merged.get(k);
      if (into) into.count += overflow.count;
      else merged.set(k, { ...overflow, projectId: batch.projectId });
    }
  }
  return [...merged.values()].filter((o) => o.count > 0).sort((a, b) => byText(a.projectId, b.projectId) || a.minuteMs - b.minuteMs);
}

const AT_MINUTE = `'epoch'::timestamptz + mi * interval '1 millisecond'`;

/** Adds the rows of `mergedJourneyCounts`, given as `journeyCountParameters` from `$first` on. */
export function addJourneyCounts(first: number): string {
  const p = (i: number): string => `$${first + i}`;
  return `INSERT INTO journey_counts (project_id, model_id, version, journey, minute, seen, sampled)
    SELECT pj, mo, v, j, ${AT_MINUTE}, se, sa
      FROM unnest(${p(0)}::uuid[], ${p(1)}::uuid[], ${p(2)}::text[], ${p(3)}::text[], ${p(4)}::bigint[], ${p(5)}::bigint[], ${p(6)}::bigint[])
           WITH ORDINALITY AS x(pj, mo, v, j, mi, se, sa, o)
     ORDER BY o
    ON CONFLICT (model_id, version, journey, minute) DO UPDATE SET
      seen = journey_counts.seen + excluded.seen, sampled = journey_counts.sampled + excluded.sampled`;
}

/** Adds the rows of `mergedJourneyOverflow`, given as `journeyOverflowParameters` from `$first` on. */
export function addJourneyOverflow(first: number): string {
  const p = (i: number): string => `$${first + i}`;
  return `INSERT INTO journey_overflow (project_id, minute, count)
    SELECT pj, ${AT_MINUTE}, c FROM unnest(${p(0)}::uuid[], ${p(1)}::bigint[], ${p(2)}::bigint[]) WITH ORDINALITY AS x(pj, mi, c, o)
     ORDER BY o
    ON CONFLICT (project_id, minute) DO UPDATE SET count = journey_overflow.count + excluded.count`;
}

export const JOURNEY_COUNT_PARAMETERS = 7;

export function journeyCountParameters(counts: readonly ProjectJourneyCount[]): unknown[] {
  return [
    counts.map((c) => c.projectId),
    counts.map((c) => c.modelId),
    counts.map((c) => c.version),
    counts.map((c) => c.journey),
    counts.map((c) => c.minuteMs),
    counts.map((c) => c.seen),
    counts.map((c) => c.sampled),
  ];
}

export function journeyOverflowParameters(overflow: readonly ProjectOverflow[]): unknown[] {
  return [overflow.map((o) => o.projectId), overflow.map((o) => o.minuteMs), overflow.map((o) => o.count)];
}
