/** A monotonic clock in milliseconds. */
export type Clock = () => number;

/** `performance.now()` where available (pages, workers, Node), else `Date.now()`. */
export const monotonicNow: Clock = () => globalThis.performance?.now() ?? Date.now();

/**
 * A gate that opens at most once per `intervalMs`: the returned function answers true for the first call
 * and then only when `intervalMs` has passed since the last call it let through.
 */
export function createThrottle(intervalMs: number, clock: Clock = monotonicNow): () => boolean {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const t = clock();
    if (t - last < intervalMs) return false;
    last = t;
    return true;
  };
}
