import { randomBytes } from "node:crypto";
import { once } from "node:events";
import type { Cluster } from "ioredis";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { BullJobQueue, startJobWorker } from "../../../src/adapters/queue/job-queue.bullmq.js";
import { RedisAttemptLimiter } from "../../../src/adapters/redis/attempt-limiter.redis.js";
import { RedisCache } from "../../../src/adapters/redis/cache.redis.js";
import { connectQueueRole, connectRole, type RedisConnection } from "../../../src/adapters/redis/client.js";
import { INVALIDATION_CHANNEL, NearCache } from "../../../src/adapters/redis/near-cache.js";
import { RedisWriteFence } from "../../../src/adapters/redis/write-fence.redis.js";
import type { ReceivedJob } from "../../../src/ports/job-queue.js";
import { eventually } from "../../support/eventually.js";
import {
  clusterClient,
  clusterKeys,
  ensureRedisCluster,
  TEST_REDIS_CLUSTER_PORTS,
  TEST_REDIS_CLUSTER_URL,
} from "../../support/redis-cluster.js";

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
const target = { url: TEST_REDIS_CLUSTER_URL, cluster: true };
const run = randomBytes(4).toString("hex");

describe("the cache, near cache, limiter and queues on a Redis Cluster (3 masters + 3 replicas)", () => {
  const connections: RedisConnection[] = [];
  /** A connection as the app makes it, once it is ready (a fail-fast one refuses commands before). */
  const connect = async (name: string, queue = false) => {
    const c = queue ? connectQueueRole(target, name) : connectRole(target, name);
    c.on("error", () => undefined);
    connections.push(c);
    if (c.status !== "ready") await once(c, "ready");
    return c;
  };
  let raw: Cluster;
  beforeAll(async () => {
    ensureRedisCluster();
    raw = clusterClient();
    await raw.ping();
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    raw?.disconnect();
  });

  it("is a cluster: three masters share the slots", async () => {
    expect(raw.nodes("master")).toHaveLength(3);
    const info = (await raw.cluster("INFO")) as string;
    expect(info).toContain("cluster_state:ok");
  });

  it("caches across slots: a write's several stale keys are deleted together (no CROSSSLOT)", async () => {
    const prefix = `doctorly:test:${run}:`;
    const cache = new RedisCache(await connect("test-cache"), logger, prefix);
    const keys = Array.from({ length: 12 }, (_, i) => `doctor:${i}`);
    for (const key of keys) await cache.set(key, { key }, 60);
    const stored = await clusterKeys(raw, `${prefix}*`);
    const slots = new Set(await Promise.all(stored.map((k) => raw.cluster("KEYSLOT", k))));
    expect(stored).toHaveLength(12);
    expect(slots.size).toBeGreaterThan(1);
    const nodesHolding = (
      await Promise.all(raw.nodes("master").map(async (node) => (await node.keys(`${prefix}*`)).length))
    ).filter((n) => n > 0);
    expect(nodesHolding.length).toBeGreaterThan(1);
    expect(await cache.get("doctor:3")).toEqual({ key: "doctor:3" });
    await cache.del(keys);
    expect(await clusterKeys(raw, `${prefix}*`)).toEqual([]);
    expect(await cache.get("doctor:3")).toBeNull();
  });

  it("carries the near cache's invalidations from one process to another across the cluster", async () => {
    const prefix = `doctorly:test:${run}:near:`;
    const apiProcess = async (n: number) =>
      new NearCache(
        new RedisCache(await connect(`test-near-${n}`), logger, prefix),
        await connect(`test-near-pub-${n}`),
        await connect(`test-near-sub-${n}`),
        logger,
        { ttlMs: 60_000 },
      );
    const a = await apiProcess(1);
    const b = await apiProcess(2);
    expect(await eventually(async () => a.listening && b.listening, 10_000, 20)).toBe(true);
    // A listener on each master's own connection: every node hears what was published on any of them.
    const heard = new Map<number, number>();
    const listeners = await Promise.all(
      TEST_REDIS_CLUSTER_PORTS.slice(0, 3).map(async (port) => {
        const node = new Redis(port, "127.0.0.1");
        await node.subscribe(INVALIDATION_CHANNEL);
        node.on("message", () => heard.set(port, (heard.get(port) ?? 0) + 1));
        return node;
      }),
    );
    try {
      await a.set("doctor:1", { name: "before" }, 60);
      expect(await b.get("doctor:1")).toEqual({ name: "before" });
      await a.del(["doctor:1"]);
      await a.set("doctor:1", { name: "after" }, 60);
      expect(
        await eventually(async () => (await b.getJson("doctor:1")) === '{"name":"after"}', 5_000, 10),
      ).toBe(true);
      expect(await eventually(async () => heard.size === 3)).toBe(true);
    } finally {
      for (const l of listeners) l.disconnect();
    }
  });

  it("counts attempts in the cluster: shared by two processes, refused past the limit", async () => {
    const settings = { name: `test-${run}`, attempts: 3, windowSeconds: 60 };
    const one = new RedisAttemptLimiter(await connect("test-limit-1"), settings, logger);
    const two = new RedisAttemptLimiter(await connect("test-limit-2"), settings, logger);
    expect(await one.take("client-a")).toEqual({ allowed: true });
    expect(await two.take("client-a")).toEqual({ allowed: true });
    expect(await one.take("client-a")).toEqual({ allowed: true });
    expect(await two.take("client-a")).toMatchObject({ allowed: false });
    expect(await one.take("client-b")).toEqual({ allowed: true });
    expect(await clusterKeys(raw, `doctorly:v1:limit:test-${run}*`)).toHaveLength(2);
    await one.clear("client-a");
    expect(await two.take("client-a")).toEqual({ allowed: true });
  });

  it("keeps the write fence in the cluster (one key, one slot)", async () => {
    const fence = new RedisWriteFence(await connect("test-fence"), `doctorly:test:${run}:fence`);
    await fence.advance(0x2_0000_0000n);
    await fence.advance(0x1_ffff_ffffn);
    expect(await fence.current()).toBe(0x2_0000_0000n);
  });

  it("runs BullMQ queues under the {doctorly} hash tag: jobs, duplicates collapsed, failures and replay", async () => {
    const name = `doctorly-test-cluster-${run}`;
    const queue = new BullJobQueue(
      name,
      await connect("test-relay"),
      { attempts: 1, backoffMs: 10 },
      "{doctorly}",
    );
    const seen: ReceivedJob[] = [];
    let failOnce = true;
    const worker = startJobWorker(
      name,
      await connect("test-worker", true),
      async (job) => {
        if (job.id === "job-poison" && failOnce) {
          failOnce = false;
          throw new Error("first run fails");
        }
        seen.push(job);
      },
      logger,
      { prefix: "{doctorly}" },
    );
    try {
      const jobs = Array.from({ length: 20 }, (_, i) => ({
        id: `job-${i}`,
        name: "DoctorChanged",
        data: { i },
      }));
      await queue.enqueue(jobs);
      await queue.enqueue(jobs.slice(0, 5));
      await queue.enqueue([{ id: "job-poison", name: "DoctorChanged", data: {} }]);
      expect(await eventually(async () => seen.length === 20 && (await queue.failed(10)).length === 1)).toBe(
        true,
      );
      expect(new Set(seen.map((j) => j.id)).size).toBe(20);
      expect(await queue.retryFailed()).toBe(1);
      expect(await eventually(async () => seen.some((j) => j.id === "job-poison"))).toBe(true);
      const keys = await clusterKeys(raw, `*${name}*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.every((k) => k.startsWith(`{doctorly}:${name}:`))).toBe(true);
      expect(new Set(await Promise.all(keys.map((k) => raw.cluster("KEYSLOT", k)))).size).toBe(1);
    } finally {
      await worker.close();
      await queue.close();
    }
  });
});
