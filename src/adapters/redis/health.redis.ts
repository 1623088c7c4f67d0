import type { HealthCheck } from "../../ports/health.js";
import type { RedisConnection } from "./client.js";

export const withTimeout = async <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => {
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
  constructor(
    private readonly redis: RedisConnection,
    readonly name = "redis",
    readonly roles: readonly string[] = [],
  ) {}

  async check(): Promise<void> {
    await withTimeout(this.redis.ping(), 1_000, "redis");
  }
}
