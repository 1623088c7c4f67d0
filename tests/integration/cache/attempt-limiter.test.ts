import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { RedisAttemptLimiter } from "../../../src/adapters/redis/attempt-limiter.redis.js";
import type { RedisConnection } from "../../../src/adapters/redis/client.js";
import { LIMITER_MAX, LIMITER_WINDOW_SECONDS, limiterContract } from "../../support/limiter-contract.js";
import { connectingRoleRedis, roleRedis } from "../../support/test-redis.js";

/**
 * The attempt counters on the cache role's Redis (one server, or the cluster in the second configuration).
 * The in-memory stand-ins and the limiter without Redis or with a slow one are in
 * tests/integration/accounts/accounts.contract.test.ts.
 */
const silent = createLogger("silent");

let redis: RedisConnection;
beforeAll(async () => {
  redis = await roleRedis("cache", "test-limiter");
});
afterAll(async () => {
  await redis.quit();
});
const settings = {
  name: `test-${randomUUID()}`,
  attempts: LIMITER_MAX,
  windowSeconds: LIMITER_WINDOW_SECONDS,
};
limiterContract(
  "Redis",
  () => new RedisAttemptLimiter(redis, settings, silent),
  (ms) => new Promise((r) => setTimeout(r, ms)),
);

describe("Redis attempt limiter of a process that has just started", () => {
  it("waits for a connection still being made instead of counting apart (a fresh process counts in Redis)", async () => {
    const fresh = connectingRoleRedis("cache", "test-fresh");
    try {
      const name = `fresh-${randomUUID()}`;
      const limiter = new RedisAttemptLimiter(fresh, { name, attempts: 2, windowSeconds: 60 }, silent);
      // Taken at once, before the connection is ready: every attempt must reach the shared count.
      const answers = await Promise.all([limiter.take("k"), limiter.take("k"), limiter.take("k")]);
      // Exactly two of the three get through; which two is not promised (a Redis Cluster client may send
      // the commands it queued while connecting in another order).
      expect(answers.filter((a) => a.allowed)).toHaveLength(2);
      expect(await redis.get(`doctorly:v1:limit:${name}:k`)).toBe("3");
    } finally {
      fresh.disconnect();
    }
  });
});
