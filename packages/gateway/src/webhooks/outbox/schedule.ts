/**
 * When failed deliveries are retried. Attempt 1 is made at once; after failed attempt n the next one waits
 * `schedule[n-1]`, with ±20 % jitter so endpoints that failed together are not retried in lockstep. After the
 * last step's attempt fails the delivery is dead. The default spans 5 s … 24 h, 46 h 42 min in all
 * (docs/events.md); SWITCHYARD_DELIVERY_SCHEDULE replaces it.
 */
export const DEFAULT_SCHEDULE = '5s,30s,2m,10m,30m,1h,3h,6h,12h,24h';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const STEP = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** `5s,30s,2m,…` → milliseconds; throws naming the step it cannot read. */
export function parseSchedule(text: string): number[] {
  const steps = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (steps.length === 0) throw new Error('the schedule is empty');
  return steps.map((step) => {
    const match = STEP.exec(step);
    const unit = match?.[2] === undefined ? undefined : UNITS[match[2]];
    if (match?.[1] === undefined || unit === undefined) {
      throw new Error(`"${step}" is not a duration such as 500ms, 5s, 2m, 1h or 1d`);
    }
    return Math.round(Number(match[1]) * unit);
  });
}

export const JITTER = 0.2;

/**
 * The wait after failed attempt number `attempts` (1-based), or undefined when that was the last one.
 * `random` is in [0, 1).
 */
export function retryDelay(schedule: readonly number[], attempts: number, random: () => number = Math.random) {
  const base = schedule[attempts - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/** Attempts made at most: the first one and one per step. */
export const maxAttempts = (schedule: readonly number[]): number => schedule.length + 1;
