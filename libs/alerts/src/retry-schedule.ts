/** Delay before attempt `attempt + 1`, or null when `attempt` was the last one the schedule allows. */
export function nextAttemptDelayMs(
  attempt: number,
  scheduleSeconds: readonly number[],
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): number | null {
  if (attempt >= scheduleSeconds.length) return null;
  const base = scheduleSeconds[attempt]! * 1000;
  // Up to +20% so that receivers recovering from an outage are not hit by every sender at once.
  const jittered = base + Math.floor(base * 0.2 * random());
  const floor = retryAfterSeconds === null ? 0 : Math.min(retryAfterSeconds, 86_400) * 1000;
  return Math.max(jittered, floor);
}

/** `Retry-After` as seconds from now: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}
