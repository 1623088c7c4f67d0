import { randomBytes } from "node:crypto";
import { Cluster, Redis } from "ioredis";
import type { DatabasePool } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { startWorkers } from "../../../src/container.js";
import { apiAt, bookingIntegrity, bookingScene, bookOnce, steady } from "../../support/booking-traffic.js";
import { TEST_DATABASE_URL, TEST_REDIS_URL, VOLUME_LIMITS } from "../../support/env.js";
import { eventually } from "../../support/eventually.js";
import {
  ensureRedisCluster,
  TEST_REDIS_CLUSTER_PORTS,
  TEST_REDIS_CLUSTER_URL,
} from "../../support/redis-cluster.js";
import { changeDescription, descriptionOn, searchFinds } from "../../support/scale-flow.js";
import { buildServingIndex } from "../../support/search-index.js";
import { startTestServer, type TestServer } from "../../support/server.js";

/** The port of the master serving `key`'s slot, from CLUSTER NODES. */
async function masterOf(cluster: Cluster, key: string): Promise<number> {
  const slot = Number(await cluster.cluster("KEYSLOT", key));
  const nodes = ((await cluster.cluster("NODES")) as string).trim().split("\n");
  for (const line of nodes) {
    const [, address, flags, , , , , state, ...ranges] = line.split(" ");
    if (!flags?.includes("master") || flags.includes("fail") || state !== "connected") continue;
    for (const range of ranges) {
      const [lo, hi = lo] = range.split("-").map(Number);
      if (lo !== undefined && hi !== undefined && slot >= lo && slot <= hi) {
        return Number(address?.split("@")[0]?.split(":")[1]);
      }
    }
  }
  throw new Error(`no master serves slot ${slot}`);
}

/** Masters serving slots other than `dead`, as a node that is still up sees them, once the cluster is ok. */
async function mastersBesides(port: number, dead: number): Promise<number> {
  const node = new Redis(port, "127.0.0.1", {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  node.on("error", () => undefined);
  try {
    await node.connect();
    const info = (await node.cluster("INFO")) as string;
    if (!info.includes("cluster_state:ok")) return 0;
    const nodes = ((await node.cluster("NODES")) as string).trim().split("\n");
    return nodes.filter((l) => {
      const parts = l.split(" ");
      return (
        !parts[1]?.startsWith(`127.0.0.1:${dead}@`) &&
        parts[2]?.includes("master") &&
        !parts[2].includes("fail") &&
        parts[7] === "connected" &&
        parts.length > 8
      );
    }).length;
  } catch {
    return 0;
  } finally {
    node.disconnect();
  }
}

describe("a Redis Cluster master dies under booking traffic", () => {
  let server: TestServer;
  let workers: { close(): Promise<void> };
  let adminPool: DatabasePool;
  let raw: Cluster;
  const queueName = `doctorly-test-cluster-fault-${randomBytes(4).toString("hex")}`;
  beforeAll(async () => {
    ensureRedisCluster();
    raw = new Cluster(TEST_REDIS_CLUSTER_PORTS.map((port) => ({ host: "127.0.0.1", port })));
    raw.on("error", () => undefined);
    adminPool = await createPgPool({ databaseUrl: TEST_DATABASE_URL, maximumPoolSize: 2 });
    server = await startTestServer({
      ...VOLUME_LIMITS,
      REDIS_CLUSTER: "true",
      REDIS_URL: TEST_REDIS_CLUSTER_URL,
      SEARCH_REDIS_URL: TEST_REDIS_URL,
    });
    await buildServingIndex(server.runtime);
    workers = startWorkers(server.runtime, { queueName });
    expect(await eventually(async () => (await server.request("/ready")).status === 200)).toBe(true);
  });
  afterAll(async () => {
    await workers?.close();
    await server?.close();
    await adminPool?.end();
    raw?.disconnect();
    // The killed master does not come back by itself: the next suite gets a whole cluster again.
    ensureRedisCluster();
  });

  it("promotes its replica; no booking is lost or doubled, reads keep answering, the queue carries on", async () => {
    const scene = await bookingScene(server.baseUrl, "cluster-fault");
    const api = apiAt(server.baseUrl);
    const statuses: number[] = [];
    const booked: number[] = [];
    const transportErrors: string[] = [];
    const load = steady(30, async (n) => {
      try {
        if (n % 2 === 0) {
          const r = await bookOnce(server.baseUrl, scene, n);
          statuses.push(...r.statuses);
          if (r.appointmentId !== null) booked.push(r.appointmentId);
        } else {
          statuses.push((await api.get(`/doctors/get/${scene.doctorId}`)).status);
        }
      } catch (error) {
        transportErrors.push(error instanceof Error ? error.message : String(error));
      }
    });
    let bookedBeforeKill = 0;
    try {
      expect(await eventually(async () => booked.length >= 10)).toBe(true);
      // The master of the queues' slot: its death cuts BullMQ off until the replica takes over.
      const victim = await masterOf(raw, "{doctorly}");
      bookedBeforeKill = booked.length;
      // No retries: SHUTDOWN never answers, and a retried one would wait for a node that is gone.
      const killer = new Redis(victim, "127.0.0.1", { maxRetriesPerRequest: 0, retryStrategy: () => null });
      killer.on("error", () => undefined);
      await killer.call("SHUTDOWN", "NOSAVE").catch(() => undefined);
      killer.disconnect();
      const survivor = TEST_REDIS_CLUSTER_PORTS.find((p) => p !== victim) as number;
      // Its replica is promoted: three masters again, none of them the dead one.
      expect(await eventually(async () => (await mastersBesides(survivor, victim)) === 3, 20_000)).toBe(true);
      expect(await eventually(async () => booked.length >= bookedBeforeKill + 20, 20_000)).toBe(true);
    } finally {
      await load.drain();
    }

    expect(transportErrors).toEqual([]);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(await bookingIntegrity(adminPool, booked, scene.slotIds)).toEqual({
      missing: [],
      duplicatedSeats: [],
      duplicatedPatients: [],
    });
    expect(await eventually(async () => (await server.request("/ready")).status === 200, 20_000)).toBe(true);

    // After the failover: a write is shown by the cache at once, and by search once the queue ran it.
    const word = `Q${[...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join("")}`;
    await changeDescription(server, scene.doctorToken, `After failover ${word}`);
    expect(await descriptionOn(server, scene.doctorId)).toBe(`After failover ${word}`);
    expect(await searchFinds(server, word, scene.doctorId, undefined, 20_000)).toBe(true);
  }, 90_000);
});
