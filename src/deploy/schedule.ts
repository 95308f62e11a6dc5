/**
 * The open-loop schedule of a load test: when each request is due, decided by the clock alone.
 *
 * A closed-loop tester (send, wait for the answer, send the next) slows down with the server
 * it measures: while the server stalls, no requests are sent, so the stall is recorded once
 * instead of for every request that a real client would have sent meanwhile — Gil Tene's
 * "coordinated omission". Here request i is due at i / rate whatever happened to the others,
 * and its latency is measured from that due time (as wrk2 does), so a slow server shows up as
 * latency, including the time a request waited for a free connection.
 */
export interface LoadPlan {
  /** Requests per second. */
  rate: number;
  /** Length of the schedule, in milliseconds. */
  durationMs: number;
}

/** How many requests the plan sends: one every 1/rate seconds for the duration. */
export function plannedRequests(plan: LoadPlan): number {
  if (!(plan.rate > 0) || !Number.isFinite(plan.rate))
    throw new RangeError(`rate must be a positive number, got ${plan.rate}`);
  if (!(plan.durationMs > 0)) throw new RangeError(`duration must be positive, got ${plan.durationMs}`);
  return Math.max(1, Math.floor((plan.rate * plan.durationMs) / 1000 + 1e-9));
}

/** When request `index` (from 0) is due, in milliseconds after the start. */
export function dueAt(plan: LoadPlan, index: number): number {
  return (index * 1000) / plan.rate;
}

/**
 * The requests due by `elapsedMs` that have not been sent yet: indices `sent` up to (not
 * including) the returned number. A late timer tick sends every request it missed at once,
 * each keeping its own due time, rather than skipping or spreading them out.
 */
export function dueBy(plan: LoadPlan, elapsedMs: number, sent: number): number {
  const total = plannedRequests(plan);
  if (elapsedMs < 0) return sent;
  const due = Math.min(total, Math.floor((elapsedMs * plan.rate) / 1000 + 1e-9) + 1);
  return Math.max(sent, due);
}

/** Milliseconds from `elapsedMs` until the next request after `sent` is due (0 when overdue). */
export function untilNext(plan: LoadPlan, elapsedMs: number, sent: number): number {
  return Math.max(0, dueAt(plan, sent) - elapsedMs);
}
