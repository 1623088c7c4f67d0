import { monitorEventLoopDelay } from "node:perf_hooks";
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../ports/logger.js";
import type { AppEnv } from "./app.js";
import { problem, problemBody } from "./problem.js";

export interface ShedLoadOptions {
  /** Requests this process answers at once; one more is refused (0 = no bound). */
  readonly maxInFlight: number;
  /** Mean event-loop delay over the last half second past which requests are refused (0 = no bound). */
  readonly maxEventLoopDelayMs: number;
  /** Paths always answered (the orchestrator's probes). */
  readonly exempt: readonly string[];
  readonly logger: Logger;
}

/** How often the event-loop delay is sampled, and the histogram's resolution. */
const SAMPLE_MS = 500;
const RESOLUTION_MS = 10;
/** What a refused client is told to wait before it tries again. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Load shedding (ADR 0011): past `maxInFlight` requests at once, or while the event loop lags more than
 * `maxEventLoopDelayMs`, a request is answered at once with 503, `Retry-After` and the `overloaded`
 * problem, before it takes a database connection or any CPU beyond this check; the requests already
 * accepted keep their latency. `exempt` paths (/health, /ready) are always answered.
 */
export function shedLoad(options: ShedLoadOptions): { middleware: MiddlewareHandler<AppEnv>; stop(): void } {
  const { maxInFlight, maxEventLoopDelayMs, exempt, logger } = options;
  const exempted = new Set(exempt);
  let inFlight = 0;
  let lagging = false;
  let shed = 0;
  let lastReport = 0;

  const histogram = maxEventLoopDelayMs > 0 ? monitorEventLoopDelay({ resolution: RESOLUTION_MS }) : null;
  histogram?.enable();
  const sampler = histogram
    ? setInterval(() => {
        const delayMs = Math.max(0, histogram.mean / 1e6 - RESOLUTION_MS);
        lagging = delayMs > maxEventLoopDelayMs;
        histogram.reset();
      }, SAMPLE_MS)
    : null;
  sampler?.unref();

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (exempted.has(c.req.path)) return next();
    if (lagging || (maxInFlight > 0 && inFlight >= maxInFlight)) {
      shed++;
      const now = Date.now();
      if (now - lastReport >= 1_000) {
        logger.warn({ shed, inFlight, lagging }, "overloaded: requests refused with 503");
        lastReport = now;
        shed = 0;
      }
      return problem(
        c,
        503,
        problemBody(503, "overloaded", "The server is at capacity; retry after the Retry-After seconds."),
        { "retry-after": String(RETRY_AFTER_SECONDS) },
      );
    }
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
  };
  return {
    middleware,
    stop() {
      if (sampler) clearInterval(sampler);
      histogram?.disable();
    },
  };
}
