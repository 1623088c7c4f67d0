import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers } from "../../../src/container.js";
import { DisposableRedisSearch } from "../../support/redis-search-server.js";
import { bookReadChangeSearch } from "../../support/scale-flow.js";
import { buildServingIndex } from "../../support/search-index.js";
import { startTestServer, type TestServer } from "../../support/server.js";

/** Ports 6460–6479 belong to the scale-out suites. */
const servers = {
  /** REDIS_URL: every role has moved off it, so nothing may connect to it or write to it. */
  unused: new DisposableRedisSearch(6460, { search: false }),
  cache: new DisposableRedisSearch(6461, { search: false }),
  queue: new DisposableRedisSearch(6462, { search: false }),
  search: new DisposableRedisSearch(6463),
};

const clients: Redis[] = [];
const clientOf = (server: DisposableRedisSearch) => {
  const client = new Redis(server.url);
  clients.push(client);
  return client;
};
const connectionNames = async (redis: Redis) =>
  ((await redis.client("LIST")) as string)
    .split("\n")
    .map((line) => /name=(\S*)/.exec(line)?.[1] ?? "")
    .filter((name) => name.startsWith("doctorly-"));

describe("Redis roles on their own servers: cache + counters, queue, search", () => {
  let server: TestServer;
  let workers: { close(): Promise<void> };
  beforeAll(async () => {
    for (const s of Object.values(servers)) {
      await s.stopLeftover();
      await s.start();
    }
    server = await startTestServer({
      REDIS_URL: servers.unused.url,
      CACHE_REDIS_URL: servers.cache.url,
      QUEUE_REDIS_URL: servers.queue.url,
      SEARCH_REDIS_URL: servers.search.url,
    });
    await buildServingIndex(server.runtime);
    workers = startWorkers(server.runtime);
  });
  afterAll(async () => {
    await workers?.close();
    await server?.close();
    for (const c of clients) c.disconnect();
    for (const s of Object.values(servers)) await s.stop().catch(() => undefined);
  });

  it("books, reads through the cache with invalidation, and searches, each role on its own server", async () => {
    const ready = await server.request("/ready");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ok",
      checks: {
        postgres: "ok",
        "redis-cache": "ok",
        "redis-queue": "ok",
        "redis-search": "ok",
        search: "ok",
      },
      roles: {
        postgres: ["primary"],
        "redis-cache": ["cache", "counters"],
        "redis-queue": ["queue"],
        "redis-search": ["search"],
        search: ["doctor index"],
      },
    });

    const cache = clientOf(servers.cache);
    // The event travels the queue server to the projector, which writes the search server's index.
    const scene = await bookReadChangeSearch(server, {
      label: "Roles",
      day: "wednesday",
      cachedThere: async (id) => (await cache.exists(`doctorly:v1:doctor:${id}`)) === 1,
    });

    // Each server holds its role's keys only.
    const cacheKeys = await cache.keys("*");
    expect(cacheKeys.every((k) => k.startsWith("doctorly:v1:"))).toBe(true);
    expect(cacheKeys.some((k) => k.startsWith("doctorly:v1:limit:"))).toBe(true);
    const queueKeys = await clientOf(servers.queue).keys("*");
    expect(queueKeys.length).toBeGreaterThan(0);
    expect(queueKeys.every((k) => k.startsWith("bull:"))).toBe(true);
    const search = clientOf(servers.search);
    const searchKeys = await search.keys("*");
    expect(searchKeys.some((k) => k === `doctor:${scene.doctor.id}`)).toBe(true);
    expect(searchKeys.filter((k) => k.startsWith("doctorly:v1:") || k.startsWith("bull:"))).toEqual([]);
    const unused = clientOf(servers.unused);
    expect(await unused.dbsize()).toBe(0);

    // And the connections say the same: each role talks to its own server, none to REDIS_URL.
    expect(await connectionNames(unused)).toEqual([]);
    expect(new Set(await connectionNames(cache))).toEqual(
      new Set(["doctorly-app", "doctorly-invalidations"]),
    );
    expect(new Set(await connectionNames(clientOf(servers.queue)))).toEqual(
      new Set([
        "doctorly-queue-probe",
        "doctorly-relay",
        "doctorly-worker",
        "doctorly-reminders",
        "doctorly-webhooks",
        "doctorly-mails",
      ]),
    );
    expect(await connectionNames(search)).toEqual(["doctorly-search"]);
  });
});
