import type { Redis } from "ioredis";
import type { Logger } from "../../ports/logger.js";
import type { FailureLimiter } from "../../ports/rate-limiter.js";

// One round trip each, atomic, so concurrent processes never lose a count or leave a key without TTL.
const RECORD = `
for _, key in ipairs(KEYS) do
  redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 0`;

const BLOCKED_FOR_MS = `
local wait = 0
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[1]) then
    local ttl = redis.call('PTTL', key)
    if ttl > wait then wait = ttl end
  end
end
return wait`;

// A sign-in waits at most this long for Redis before it goes on without the limit.
const REDIS_TIMEOUT_MS = 500;

export interface FailureLimiterSettings {
  /** Key prefix, e.g. "doctorly:v1:login-failures:". */
  readonly prefix: string;
  readonly maxFailures: number;
  readonly windowSeconds: number;
}

/** Fixed-window failure counters in Redis (INCR + PEXPIRE), shared by every API process. */
export class RedisFailureLimiter implements FailureLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly settings: FailureLimiterSettings,
    private readonly logger: Logger,
  ) {}

  async blockedFor(keys: readonly string[]): Promise<number> {
    const waitMs = await this.call("check", (r) =>
      r.eval(BLOCKED_FOR_MS, keys.length, ...this.keys(keys), this.settings.maxFailures),
    );
    return typeof waitMs === "number" && waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }

  async recordFailure(keys: readonly string[]): Promise<void> {
    await this.call("record", (r) =>
      r.eval(RECORD, keys.length, ...this.keys(keys), this.settings.windowSeconds * 1000),
    );
  }

  async reset(key: string): Promise<void> {
    await this.call("reset", (r) => r.del(...this.keys([key])));
  }

  private keys(keys: readonly string[]): string[] {
    return keys.map((k) => `${this.settings.prefix}${k}`);
  }

  /** Fails open: without Redis the limit is not enforced, and that is logged, but sign-in keeps working. */
  private async call<T>(operation: string, command: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        command(this.redis),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("timed out")), REDIS_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      this.logger.warn(
        { operation, err: error instanceof Error ? error.message : String(error) },
        "sign-in failure limiter unavailable; continuing without it",
      );
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
