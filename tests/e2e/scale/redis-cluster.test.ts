import { randomBytes } from "node:crypto";
import type { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers } from "../../../src/container.js";
import { TEST_REDIS_URL } from "../../support/env.js";
import { eventually } from "../../support/eventually.js";
import {
  clusterClient,
  clusterKeys,
  ensureRedisCluster,
  TEST_REDIS_CLUSTER_URL,
} from "../../support/redis-cluster.js";
import { bookReadChangeSearch } from "../../support/scale-flow.js";
import { buildServingIndex } from "../../support/search-index.js";
import { startTestServer, type TestServer } from "../../support/server.js";

describe("the cache, counters and queues on a Redis Cluster, search on its own Redis", () => {
  let server: TestServer;
  let workers: { close(): Promise<void> };
  let raw: Cluster;
  const queueName = `doctorly-test-cluster-e2e-${randomBytes(4).toString("hex")}`;
  beforeAll(async () => {
    ensureRedisCluster();
    raw = clusterClient();
    server = await startTestServer({
      REDIS_CLUSTER: "true",
      REDIS_URL: TEST_REDIS_CLUSTER_URL,
      SEARCH_REDIS_URL: TEST_REDIS_URL,
    });
    await buildServingIndex(server.runtime);
    workers = startWorkers(server.runtime, { queueName });
  });
  afterAll(async () => {
    await workers?.close();
    await server?.close();
    raw?.disconnect();
  });

  it("books, reads through the cache with invalidation and searches; the cluster holds the cache, counters and queues", async () => {
    expect(await eventually(async () => (await server.request("/ready")).status === 200)).toBe(true);
    const ready = (await (await server.request("/ready")).json()) as {
      checks: Record<string, string>;
      roles: Record<string, string[]>;
    };
    expect(ready.checks).toEqual({
      postgres: "ok",
      "redis-cluster": "ok",
      "redis-search": "ok",
      search: "ok",
    });
    expect(ready.roles["redis-cluster"]).toEqual(["cache", "counters", "queue"]);

    await bookReadChangeSearch(server, {
      label: "Cluster",
      day: "friday",
      cachedThere: async (id) => (await clusterKeys(raw, `doctorly:v1:doctor:${id}`)).length === 1,
    });

    // The queue's keys are all under the hash tag, in one slot; the counters are in the cluster too.
    const queueKeys = await clusterKeys(raw, `*${queueName}*`);
    expect(queueKeys.length).toBeGreaterThan(0);
    expect(queueKeys.every((k) => k.startsWith(`{doctorly}:${queueName}`))).toBe(true);
    expect(new Set(await Promise.all(queueKeys.map((k) => raw.cluster("KEYSLOT", k)))).size).toBe(1);
    expect((await clusterKeys(raw, "doctorly:v1:limit:registration*")).length).toBeGreaterThan(0);
    expect(await clusterKeys(raw, "doctor:*")).toEqual([]);
  });
});
