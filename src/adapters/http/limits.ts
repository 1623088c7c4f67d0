import type { Context, MiddlewareHandler } from "hono";
import { appError } from "../../domain/shared/result.js";
import type { AttemptLimiter } from "../../ports/rate-limiter.js";
import type { AppEnv } from "./app.js";
import { appErrorResponse } from "./problem.js";

/**
 * A route's per-caller limit: takes one attempt for the key of this request before anything else runs;
 * past the limit, 429 with `Retry-After` and the route does nothing.
 */
export function limitAttempts(
  limiter: AttemptLimiter,
  keyOf: (c: Context<AppEnv>) => string,
  detail: string,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const decision = await limiter.take(keyOf(c));
    if (!decision.allowed) {
      return appErrorResponse(
        c,
        appError("rate_limited", "too_many_requests", detail, { retryAfter: decision.retryAfter }),
      );
    }
    await next();
  };
}
