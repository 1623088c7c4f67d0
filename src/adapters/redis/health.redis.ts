import type { Redis } from "ioredis";
import type { HealthCheck } from "../../ports/health.js";

const withTimeout = async <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

export class RedisHealthCheck implements HealthCheck {
  readonly name = "redis";
  constructor(private readonly redis: Redis) {}

  async check(): Promise<void> {
    await withTimeout(this.redis.ping(), 1_000, "redis");
  }
}

/** The doctor index needs the RediSearch module (`ft` in 1.x, `search` in 2.x) on the same Redis. */
export class SearchModuleHealthCheck implements HealthCheck {
  readonly name = "search";
  constructor(private readonly redis: Redis) {}

  async check(): Promise<void> {
    const modules = (await withTimeout(this.redis.call("MODULE", "LIST"), 1_000, "search")) as unknown[][];
    const names = modules.map((m) => String(m[1]).toLowerCase());
    if (!names.some((n) => n === "ft" || n === "search")) throw new Error("RediSearch module not loaded");
  }
}
