import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { RedisCache } from "../../../src/adapters/redis/cache.redis.js";
import type { RedisConnection } from "../../../src/adapters/redis/client.js";
import { NearCache } from "../../../src/adapters/redis/near-cache.js";
import { eventually } from "../../support/eventually.js";
import { rawRedis, roleRedis } from "../../support/test-redis.js";

const logger = createLogger("silent");
const prefix = `doctorly:test:near:${randomBytes(4).toString("hex")}:`;

describe("near cache over real Redis: two API processes", () => {
  const connections: RedisConnection[] = [];
  const apiProcess = async () => {
    const [commands, invalidations] = [await roleRedis("cache", "test"), await roleRedis("cache", "test")];
    connections.push(commands, invalidations);
    const cache = new NearCache(new RedisCache(commands, logger, prefix), commands, invalidations, logger, {
      ttlMs: 60_000,
    });
    return cache;
  };
  let raw: RedisConnection;
  let a: NearCache;
  let b: NearCache;

  beforeAll(async () => {
    raw = rawRedis();
    a = await apiProcess();
    b = await apiProcess();
    expect(await eventually(async () => a.listening && b.listening, 5_000, 20)).toBe(true);
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await raw.quit();
  });

  it("a delete in one process reaches the other's memory", async () => {
    await a.set("doctor:1", { id: 1, name: "before" }, 60);
    expect(await b.get("doctor:1")).toEqual({ id: 1, name: "before" });
    // Written behind the caches' backs: b keeps answering what it remembered.
    await raw.set(`${prefix}doctor:1`, JSON.stringify({ id: 1, name: "behind" }));
    expect(await b.get("doctor:1")).toEqual({ id: 1, name: "before" });

    // What a committed write does: delete the stale key (and tell every process).
    await a.del(["doctor:1"]);
    await a.set("doctor:1", { id: 1, name: "after" }, 60);
    expect(
      await eventually(async () => (await b.getJson("doctor:1")) === '{"id":1,"name":"after"}', 2_000, 5),
    ).toBe(true);
  });

  it("stops answering from memory while its subscription is down, and resumes after", async () => {
    await a.set("doctor:2", { id: 2 }, 60);
    expect(await b.get("doctor:2")).toEqual({ id: 2 });
    const subscriber = connections[3] as RedisConnection;
    subscriber.disconnect(true);
    expect(await eventually(async () => !b.listening, 2_000, 5)).toBe(true);
    await raw.set(`${prefix}doctor:2`, JSON.stringify({ id: 2, v: 2 }));
    expect(await b.get("doctor:2")).toEqual({ id: 2, v: 2 });
    expect(await eventually(async () => b.listening, 5_000, 20)).toBe(true);
  });
});
