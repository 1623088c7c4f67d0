import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RediSearchDoctorIndex } from "../../src/adapters/search/doctor-search.redisearch.js";
import { createSearchRedis } from "../../src/adapters/search/search-redis.js";
import { startWorkers } from "../../src/container.js";
import { get, newDoctor } from "../support/booking.js";
import { eventually } from "../support/eventually.js";
import { uniqueWord } from "../support/fixtures.js";
import { DisposableRedisSearch } from "../support/redis-search-server.js";
import { startTestServer, type TestServer } from "../support/server.js";

interface DoctorPage {
  data: { id: number; name: string }[];
  total: number;
}

/**
 * The search-result cache (ADR 0011) on a Redis of its own, so that no other suite's projections drop
 * its answers: a repeated search is answered from memory, and a doctor's edit still shows in search
 * within the contract's "second or two" however long the cache may keep an answer.
 */
describe("search answers kept in memory, dropped by every index change", () => {
  const redis = new DisposableRedisSearch(18_000 + Math.floor(Math.random() * 1000));
  let server: TestServer;
  let api2: TestServer;
  let workers: { close(): Promise<void> };
  const queueName = `search-cache-${uniqueWord("Q")}`;
  beforeAll(async () => {
    await redis.start();
    // Far longer than the bound below: what makes an edit visible is the change being heard, not expiry.
    const settings = {
      REDIS_URL: redis.url,
      SEARCH_INDEX: "doctorly:cache:idx",
      SEARCH_CACHE_TTL_MS: "10000",
    };
    server = await startTestServer(settings);
    api2 = await startTestServer(settings);
    workers = startWorkers(server.runtime, { queueName });
  });
  afterAll(async () => {
    await workers.close();
    await api2.close();
    await server.close();
    await redis.stop().catch(() => undefined);
  });

  const search = async (s: TestServer, q: string) => {
    const res = await get(s, `/misc/doctors/search?q=${q}`);
    expect(res.status).toBe(200);
    return (await res.json()) as DoctorPage;
  };

  it("answers a repeated search from memory; an edit shows in every API process within 2 s", async () => {
    const word = uniqueWord("Q");
    const dr = await newDoctor(server, { name: `Dr ${word}` });
    expect(
      await eventually(async () => (await search(server, word)).data.some((d) => d.id === dr.id), 20_000, 50),
    ).toBe(true);
    expect((await search(api2, word)).data.some((d) => d.id === dr.id)).toBe(true);

    // Removed from the index behind the caches' backs (nothing announced): both processes keep answering
    // what they remembered, so the repeats did not reach the index. The workers stop meanwhile: their relay
    // takes every suite's events (one outbox), and an index write announced in this window would rightly
    // drop the answers this step checks are kept. Once stopped, both processes remember the doctor again.
    await workers.close();
    for (const s of [server, api2]) {
      expect(
        await eventually(async () => (await search(s, word)).data.some((d) => d.id === dr.id), 5_000, 50),
      ).toBe(true);
    }
    const searchRedis = createSearchRedis(redis.url, "test-behind");
    await new Promise((resolve) => searchRedis.once("ready", resolve));
    const raw = new RediSearchDoctorIndex(searchRedis, "doctorly:cache:idx", { keyPrefix: "doctor:" });
    await raw.remove(dr.id);
    for (const s of [server, api2]) {
      const again = await search(s, word);
      expect(again.data.map((d) => d.id)).toContain(dr.id);
    }
    searchRedis.disconnect();
    workers = startWorkers(server.runtime, { queueName });

    // A real edit: the projector writes the index and announces it; every process drops its answers.
    const renamed = uniqueWord("Q");
    const res = await server.request("/doctors/info", {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${dr.token}` },
      body: JSON.stringify({ name: `Dr ${word} ${renamed}` }),
    });
    expect(res.status).toBe(200);
    for (const s of [server, api2]) {
      const visible = await eventually(
        async () =>
          (await search(s, word)).data.find((d) => d.id === dr.id)?.name === `Dr ${word} ${renamed}`,
        2_000,
        50,
      );
      expect(visible).toBe(true);
    }
  });
});
