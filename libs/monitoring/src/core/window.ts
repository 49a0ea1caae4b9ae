export interface TimeWindow {
  from: Date;
  to: Date;
}

// Ticks are aligned to multiples of the schedule, so every worker computes the same window for a tick.
export function alignedTick(nowMs: number, scheduleSeconds: number): number {
  const step = scheduleSeconds * 1000;
  return Math.floor(nowMs / step) * step;
}

export function timeWindow(endMs: number, durationSeconds: number): TimeWindow {
  return { from: new Date(endMs - durationSeconds * 1000), to: new Date(endMs) };
}

// BullMQ names the jobs of a job scheduler `repeat:<schedulerId>:<tick millis>`.
export function tickFromSchedulerJobId(jobId: string): number | null {
  const match = /:(\d{10,})$/.exec(jobId);
  return match ? Number(match[1]) : null;
}
