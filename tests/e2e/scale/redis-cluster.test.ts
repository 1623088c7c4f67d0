import { randomBytes } from "node:crypto";
import type { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers } from "../../../src/container.js";
import { registerAndSignIn } from "../../support/accounts.js";
import { addSlot, auth, get, newDoctor, newPatient, post } from "../../support/booking.js";
import { TEST_REDIS_URL } from "../../support/env.js";
import { eventually } from "../../support/eventually.js";
import { nextWeekday, uniqueWord } from "../../support/fixtures.js";
import {
  clusterClient,
  clusterKeys,
  ensureRedisCluster,
  TEST_REDIS_CLUSTER_URL,
} from "../../support/redis-cluster.js";
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

    const surname = uniqueWord("Q");
    const dr = await newDoctor(server, { name: `Cluster ${surname}` });
    const slot = await addSlot(server, dr.token, { day: "friday", start: "09:00" });
    const owner = await registerAndSignIn(server);
    const patient = await newPatient(server, owner.token);
    const booked = await post(server, "/patient/new_appointment", owner.token, {
      slot_id: slot.id,
      patient_id: patient.id,
      date: nextWeekday("friday"),
    });
    expect(booked.status).toBe(201);

    const description = async () =>
      ((await (await get(server, `/doctors/get/${dr.id}`)).json()) as { description: string }).description;
    expect(await description()).toBe("GP");
    // The projector drops the doctor's keys again once it has run the events above: read until one stays.
    const cachedThere = async () => {
      await description();
      return (await clusterKeys(raw, `doctorly:v1:doctor:${dr.id}`)).length === 1;
    };
    expect(await eventually(cachedThere)).toBe(true);
    const changed = await server.request("/doctors/info", {
      method: "PATCH",
      headers: auth(dr.token, { "content-type": "application/json" }),
      body: JSON.stringify({ description: "Clustered" }),
    });
    expect(changed.status).toBe(200);
    expect(await description()).toBe("Clustered");

    const found = await eventually(async () => {
      const page = (await (await get(server, `/misc/doctors/search?q=${surname}`)).json()) as {
        data: { id: number; description: string }[];
      };
      return page.data.some((d) => d.id === dr.id && d.description === "Clustered");
    });
    expect(found).toBe(true);

    // The queue's keys are all under the hash tag, in one slot; the counters are in the cluster too.
    const queueKeys = await clusterKeys(raw, `*${queueName}*`);
    expect(queueKeys.length).toBeGreaterThan(0);
    expect(queueKeys.every((k) => k.startsWith(`{doctorly}:${queueName}`))).toBe(true);
    expect(new Set(await Promise.all(queueKeys.map((k) => raw.cluster("KEYSLOT", k)))).size).toBe(1);
    expect((await clusterKeys(raw, "doctorly:v1:limit:registration*")).length).toBeGreaterThan(0);
    expect(await clusterKeys(raw, "doctor:*")).toEqual([]);
  });
});
