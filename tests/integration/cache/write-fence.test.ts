import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { RedisWriteFence } from "../../../src/adapters/redis/write-fence.redis.js";
import { rawRedis } from "../../support/test-redis.js";

describe("the write fence in Redis", () => {
  const redis = rawRedis();
  const key = `doctorly:test:fence:${randomBytes(4).toString("hex")}`;
  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  it("starts empty, only ever rises, and compares positions past 32 bits correctly", async () => {
    const fence = new RedisWriteFence(redis, key);
    expect(await fence.current()).toBeNull();
    await fence.advance(0x1_0000_0000n);
    await Promise.all([fence.advance(0xffff_ffffn), fence.advance(0x2_0000_0010n), fence.advance(0x9n)]);
    expect(await fence.current()).toBe(0x2_0000_0010n);
    await fence.advance(0x2_0000_000fn);
    expect(await fence.current()).toBe(0x2_0000_0010n);
  });
});
