import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { INVALIDATION_CHANNEL, NearCache } from "../../../src/adapters/redis/near-cache.js";

/** The shared cache as a map, counting the reads that reach it. */
function sharedCache() {
  const values = new Map<string, string>();
  let reads = 0;
  let gate: Promise<void> | null = null;
  return {
    values,
    reads: () => reads,
    holdReads(until: Promise<void>) {
      gate = until;
    },
    cache: {
      async get<T>(key: string) {
        const json = await this.getJson(key);
        return json === null ? null : (JSON.parse(json) as T);
      },
      async getJson(key: string) {
        reads++;
        const value = values.get(key) ?? null;
        if (gate) await gate;
        return value;
      },
      async set(key: string, value: unknown) {
        values.set(key, JSON.stringify(value));
      },
      async del(keys: readonly string[]) {
        for (const k of keys) values.delete(k);
      },
    },
  };
}

/** A subscriber connection that is ready at once; `hear` delivers a published message. */
function subscriber() {
  const emitter = new EventEmitter() as EventEmitter & { status: string; subscribe(): Promise<number> };
  emitter.status = "ready";
  emitter.subscribe = async () => 1;
  return {
    redis: emitter as unknown as Redis,
    hear: (keys: string[]) => emitter.emit("message", INVALIDATION_CHANNEL, JSON.stringify(keys)),
    drop: () => emitter.emit("close"),
    back: () => emitter.emit("ready"),
  };
}

function harness(ttlMs = 2_000, maxChars = 1_000) {
  const shared = sharedCache();
  const sub = subscriber();
  const published: string[][] = [];
  const publisher = { publish: async (_: string, m: string) => void published.push(JSON.parse(m)) };
  let now = 1_000;
  const cache = new NearCache(
    shared.cache,
    publisher as unknown as Redis,
    sub.redis,
    createLogger("silent"),
    {
      ttlMs,
      maxChars,
      now: () => now,
    },
  );
  return { shared, sub, published, cache, advance: (ms: number) => (now += ms) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe("near cache", () => {
  it("answers a value read from Redis from memory until it expires", async () => {
    const { shared, cache, advance } = harness(2_000);
    await settle();
    shared.values.set("doctor:1", '{"id":1}');
    expect(await cache.getJson("doctor:1")).toBe('{"id":1}');
    shared.values.set("doctor:1", '{"id":1,"changed":true}');
    expect(await cache.getJson("doctor:1")).toBe('{"id":1}');
    expect(await cache.get("doctor:1")).toEqual({ id: 1 });
    expect(shared.reads()).toBe(1);
    advance(2_001);
    expect(await cache.getJson("doctor:1")).toBe('{"id":1,"changed":true}');
  });

  it("forgets keys deleted here at once, tells the other processes, and forgets what they announce", async () => {
    const { shared, sub, published, cache } = harness();
    await settle();
    shared.values.set("a", "1");
    shared.values.set("b", "2");
    await cache.getJson("a");
    await cache.getJson("b");
    await cache.del(["a"]);
    expect(published).toEqual([["a"]]);
    expect(await cache.getJson("a")).toBeNull();
    shared.values.set("b", "22");
    sub.hear(["b", "unknown"]);
    expect(await cache.getJson("b")).toBe("22");
  });

  it("does not keep a value whose read was under way when an invalidation arrived", async () => {
    const { shared, sub, cache } = harness();
    await settle();
    shared.values.set("k", "old");
    let release: () => void = () => undefined;
    shared.holdReads(new Promise<void>((r) => (release = r)));
    const reading = cache.getJson("k");
    sub.hear(["k"]);
    release();
    expect(await reading).toBe("old");
    shared.holdReads(Promise.resolve());
    shared.values.set("k", "new");
    expect(await cache.getJson("k")).toBe("new");
  });

  it("answers from Redis only, and forgets everything, while it cannot hear invalidations", async () => {
    const { shared, sub, cache } = harness();
    await settle();
    shared.values.set("k", "v1");
    await cache.getJson("k");
    sub.drop();
    expect(cache.listening).toBe(false);
    shared.values.set("k", "v2");
    expect(await cache.getJson("k")).toBe("v2");
    shared.values.set("k", "v3");
    expect(await cache.getJson("k")).toBe("v3");
    sub.back();
    await settle();
    expect(cache.listening).toBe(true);
    expect(await cache.getJson("k")).toBe("v3");
  });

  it("holds at most maxChars characters of values, dropping the oldest", async () => {
    const { shared, cache } = harness(2_000, 3);
    await settle();
    for (const k of ["a", "b", "c", "d"]) {
      shared.values.set(k, k);
      await cache.getJson(k);
    }
    const before = shared.reads();
    await cache.getJson("d");
    await cache.getJson("b");
    expect(shared.reads()).toBe(before);
    await cache.getJson("a");
    expect(shared.reads()).toBe(before + 1);
  });
});
