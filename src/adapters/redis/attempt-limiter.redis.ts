import { once } from "node:events";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from "rate-limiter-flexible";
import type { Logger } from "../../ports/logger.js";
import type { AttemptLimiter, LimitDecision } from "../../ports/rate-limiter.js";
import type { RedisConnection } from "./client.js";

export interface AttemptLimiterSettings {
  /** Names the counters in Redis and in logs, e.g. "sign-in-pair". */
  readonly name: string;
  /** Attempts allowed per key in one window. */
  readonly attempts: number;
  readonly windowSeconds: number;
}

/** How long an attempt waits for Redis before this process counts it in memory instead. */
const LIMITER_REDIS_TIMEOUT_MS = 250;
const WARN_EVERY_MS = 10_000;

/** A refusal as rate-limiter-flexible reports it, into seconds to wait (at least 1). */
function refusal(res: RateLimiterRes): LimitDecision {
  return { allowed: false, retryAfter: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
}

async function decide(consume: Promise<unknown>): Promise<LimitDecision> {
  try {
    await consume;
    return { allowed: true };
  } catch (error) {
    if (error instanceof RateLimiterRes) return refusal(error);
    throw error;
  }
}

/**
 * Fixed-window attempt counters in process memory (rate-limiter-flexible's RateLimiterMemory): for limits
 * that only guard this process's own resources, and as the stand-in of the Redis limiter.
 */
export class MemoryAttemptLimiter implements AttemptLimiter {
  private readonly limiter: RateLimiterMemory;
  constructor(settings: AttemptLimiterSettings) {
    this.limiter = new RateLimiterMemory({
      keyPrefix: settings.name,
      points: settings.attempts,
      duration: settings.windowSeconds,
    });
  }
  take(key: string): Promise<LimitDecision> {
    return decide(this.limiter.consume(key));
  }
  async giveBack(key: string): Promise<void> {
    await this.limiter.reward(key);
  }
  async clear(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}

/**
 * Fixed-window attempt counters in RedisConnection, shared by every API process (rate-limiter-flexible's
 * RateLimiterRedis: one atomic INCR-with-expiry script per attempt). When Redis is not connected or does
 * not answer within LIMITER_REDIS_TIMEOUT_MS, the attempt is counted in this process's memory instead:
 * the limit is never switched off, it only becomes per process for as long as Redis is away.
 */
export class RedisAttemptLimiter implements AttemptLimiter {
  private readonly shared: RateLimiterAbstract;
  private readonly local: MemoryAttemptLimiter;
  private lastWarning = 0;

  constructor(
    private readonly redis: RedisConnection,
    private readonly settings: AttemptLimiterSettings,
    private readonly logger: Logger,
    keyPrefix = "doctorly:v1:limit:",
  ) {
    this.shared = new RLWrapperTimeouts({
      limiter: new RateLimiterRedis({
        storeClient: redis,
        rejectIfRedisNotReady: true,
        keyPrefix: `${keyPrefix}${settings.name}`,
        points: settings.attempts,
        duration: settings.windowSeconds,
      }),
      timeoutMs: LIMITER_REDIS_TIMEOUT_MS,
    });
    this.local = new MemoryAttemptLimiter(settings);
  }

  async take(key: string): Promise<LimitDecision> {
    try {
      await this.connected();
      return await decide(this.shared.consume(key));
    } catch (error) {
      this.warn("take", error);
      return this.local.take(key);
    }
  }

  async giveBack(key: string): Promise<void> {
    await this.shared.reward(key).catch((error: unknown) => {
      this.warn("giveBack", error);
      return this.local.giveBack(key);
    });
  }

  async clear(key: string): Promise<void> {
    // Both: the pair may have been counted here while Redis was away.
    await this.local.clear(key);
    await this.shared.delete(key).catch((error: unknown) => this.warn("clear", error));
  }

  /**
   * While the connection is being made (at start, or after a drop), wait for it up to the timeout
   * rather than count in memory at once: attempts counted in two places undercount.
   */
  private async connected(): Promise<void> {
    if (this.redis.status === "ready" || this.redis.status === "end") return;
    await once(this.redis, "ready", { signal: AbortSignal.timeout(LIMITER_REDIS_TIMEOUT_MS) }).catch(
      () => undefined,
    );
  }

  private warn(operation: string, error: unknown) {
    const now = Date.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.logger.warn(
      {
        limiter: this.settings.name,
        operation,
        err: error instanceof Error ? error.message : String(error),
      },
      "attempt limiter cannot reach Redis; counting in this process until it answers",
    );
  }
}
