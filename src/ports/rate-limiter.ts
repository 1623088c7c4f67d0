/**
 * Counts failures per key in a fixed window shared by every API process. A key is blocked once it has
 * `maxFailures` failures in the current window, until that window ends.
 * Implementations fail open (answer "not blocked", record nothing) when their store does not answer:
 * being unable to count must not lock everyone out.
 */
export interface FailureLimiter {
  /** Seconds until every key may try again; 0 when none is blocked. */
  blockedFor(keys: readonly string[]): Promise<number>;
  recordFailure(keys: readonly string[]): Promise<void>;
  reset(key: string): Promise<void>;
}

export const LOGIN_LIMITER = Symbol.for("doctorly.LoginLimiter");
