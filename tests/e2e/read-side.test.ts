import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers } from "../../src/container.js";
import { addSlot, get, newDoctor, post } from "../support/booking.js";
import { eventually } from "../support/eventually.js";
import { uniqueWord } from "../support/fixtures.js";
import { DisposableRedisSearch } from "../support/redis-search-server.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { disposableRedisSettings, keysOf, runtimeRedis } from "../support/test-redis.js";

interface DoctorPage {
  data: { id: number; name: string; slots: { day: string }[]; specializations: { name: string }[] }[];
  page: number;
  per_page: number;
  total: number;
}

const idsOf = async (res: Response) => ((await res.json()) as DoctorPage).data.map((d) => d.id);

describe("read side: search projection and caches", () => {
  let server: TestServer;
  let workers: { close(): Promise<void> };
  beforeAll(async () => {
    server = await startTestServer();
    workers = startWorkers(server.runtime);
  });
  afterAll(async () => {
    await workers.close();
    await server.close();
  });

  it("shows a new doctor, its specialization and its slot day in search within 2 s, filters combined with AND", async () => {
    const surname = uniqueWord("Q");
    const dr = await newDoctor(server, { name: `Ayesha ${surname}` });
    await post(server, "/doctors/add_specializations", dr.token, { specializations: ["cardiologist"] });
    await addSlot(server, dr.token, { day: "monday", start: "09:00", consultation_fee: 700 });

    const prefix = surname.slice(0, 5).toLowerCase();
    const combined = `/misc/doctors/search?q=${surname}&specialization=cardiologist&day=monday&max_fee=700`;
    const visible = await eventually(
      async () => (await idsOf(await get(server, combined))).includes(dr.id),
      2_000,
      50,
    );
    expect(visible).toBe(true);

    expect(await idsOf(await get(server, `/misc/doctors/${prefix}`))).toContain(dr.id);
    expect(await idsOf(await get(server, `/misc/doctors/search?q=${surname}&day=tuesday`))).not.toContain(
      dr.id,
    );
    expect(await idsOf(await get(server, `/misc/doctors/search?q=${surname}&max_fee=699`))).not.toContain(
      dr.id,
    );
    expect(
      await idsOf(await get(server, `/misc/doctors/search?q=${surname}&specialization=urologist`)),
    ).not.toContain(dr.id);
    const bySpecialization = await get(server, `/misc/doctors/specialization/cardiologist?per_page=100`);
    expect(
      ((await bySpecialization.json()) as DoctorPage).data.every((d) =>
        d.specializations.some((s) => s.name === "cardiologist"),
      ),
    ).toBe(true);
    const byDay = (await (await get(server, "/misc/doctors/day/Monday?per_page=100")).json()) as DoctorPage;
    expect(byDay.data.every((d) => d.slots.some((s) => s.day === "monday"))).toBe(true);
    expect(JSON.stringify(byDay)).not.toMatch(/@example\.test|password/);
  });

  it("finds a doctor named Search: by q=search (the one name the path form cannot take) and by prefix", async () => {
    const surname = uniqueWord("Q");
    const dr = await newDoctor(server, { name: `Search ${surname}` });
    await addSlot(server, dr.token, { day: "friday", start: "09:00" });
    const found = await eventually(
      async () =>
        (await idsOf(await get(server, `/misc/doctors/search?q=search%20${surname}`))).includes(dr.id),
      2_000,
      50,
    );
    expect(found).toBe(true);
    expect(await idsOf(await get(server, `/misc/doctors/sear%20${surname.slice(0, 6)}`))).toContain(dr.id);
  });

  it("treats query syntax in client text as plain text: never an error", async () => {
    for (const ch of ["@", "{", "}", "|", "*", "-", '"', "'", "(", ")", ":", "\\", "%", "~", "@name:{x}"]) {
      const q = encodeURIComponent(`ay${ch}esha ${ch}`);
      for (const path of [
        `/misc/doctors/search?q=${q}`,
        `/misc/doctors/${q}`,
        `/misc/doctors/specialization/${q}`,
      ]) {
        const res = await get(server, path);
        expect(res.status, path).toBe(200);
      }
    }
    expect((await get(server, "/misc/doctors/day/funday")).status).toBe(400);
    expect((await get(server, "/misc/doctors/search?sort=random")).status).toBe(400);
  });

  it("pages through results with no cap at 10", async () => {
    const word = uniqueWord("Q");
    const created = await Promise.all(
      Array.from({ length: 12 }, () => newDoctor(server, { name: `Dr ${word}` })),
    );
    const expected = created.map((d) => d.id).sort((a, b) => a - b);
    expect(
      await eventually(
        async () =>
          (await idsOf(await get(server, `/misc/doctors/search?q=${word}&per_page=100`))).length === 12,
        3_000,
        100,
      ),
    ).toBe(true);
    const page2 = (await (
      await get(server, `/misc/doctors/search?q=${word}&per_page=5&page=3`)
    ).json()) as DoctorPage;
    expect(page2).toMatchObject({ page: 3, per_page: 5, total: 12 });
    expect(page2.data).toHaveLength(2);
    const all = await idsOf(await get(server, `/misc/doctors/search?q=${word}&per_page=100`));
    expect(all.sort((a, b) => a - b)).toEqual(expected);
  });

  it("answers a query of many repeated or surplus words like the words it uses (at most 5, ≥ 2 letters)", async () => {
    const surname = uniqueWord("Q");
    const dr = await newDoctor(server, { name: `Bounded ${surname}` });
    const prefix = surname.slice(0, 6).toLowerCase();
    const one = `/misc/doctors/search?q=${prefix}`;
    expect(
      await eventually(async () => (await idsOf(await get(server, one))).includes(dr.id), 2_000, 50),
    ).toBe(true);
    const repeated = await get(
      server,
      `/misc/doctors/search?q=${encodeURIComponent(Array(28).fill(prefix).join(" "))}`,
    );
    expect(repeated.status).toBe(200);
    expect(await idsOf(repeated)).toEqual(await idsOf(await get(server, one)));
    // Words past the fifth and one-letter words are ignored, never an error.
    const surplus = `x ${prefix} bounded y bo bou bounded boun nomatchword`;
    const res = await get(server, `/misc/doctors/search?q=${encodeURIComponent(surplus)}`);
    expect(res.status).toBe(200);
    expect(await idsOf(res)).toContain(dr.id);
  });

  it("shows a write in the cached reads as soon as it has answered, and caches no private field", async () => {
    const surname = uniqueWord("Q");
    const dr = await newDoctor(server, { name: `Cache ${surname}` });
    // The projection of the new doctor drops its cache keys once it ran; let it run before warming them.
    const projected = async () =>
      (await idsOf(await get(server, `/misc/doctors/${surname}`))).includes(dr.id);
    expect(await eventually(projected, 2_000, 50)).toBe(true);
    const redis = runtimeRedis(server.runtime);
    const before = (await (await get(server, `/doctors/get/${dr.id}`)).json()) as { slots: unknown[] };
    expect(before.slots).toEqual([]);
    await get(server, `/doctors/slot/${dr.id}`);
    await get(server, `/doctors/timings/${dr.id}`);
    const cached = await redis.get(`doctorly:v1:doctor:${dr.id}`);
    expect(cached).not.toBeNull();
    expect(cached).not.toContain(dr.email);

    // Tomorrow's weekday (UTC, the doctor's zone): its sitting is always inside the next 7 days' timings.
    const day = new Date(Date.now() + 86_400_000)
      .toLocaleDateString("en-US", { weekday: "long", timeZone: "UTC" })
      .toLowerCase();
    await addSlot(server, dr.token, { day, start: "16:00", num_slots: 2 });
    const after = (await (await get(server, `/doctors/get/${dr.id}`)).json()) as { slots: { day: string }[] };
    expect(after.slots.map((s) => s.day)).toEqual([day]);
    const slots = (await (await get(server, `/doctors/slot/${dr.id}`)).json()) as { data: unknown[] };
    expect(slots.data).toHaveLength(1);
    const timings = (await (await get(server, `/doctors/timings/${dr.id}?days=7`)).json()) as {
      data: unknown[];
    };
    expect(timings.data.length).toBeGreaterThanOrEqual(1);

    const keys = await keysOf(redis, "doctorly:v1:*");
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toContain(dr.token);
  });

  it("shows a write made through one API process in another's cached reads within a moment", async () => {
    // Two API processes on the same Postgres and Redis, each with a near cache that would otherwise keep
    // answering what it read for a whole minute.
    const [one, other] = [
      await startTestServer({ CACHE_LOCAL_TTL_MS: "60000" }),
      await startTestServer({ CACHE_LOCAL_TTL_MS: "60000" }),
    ];
    try {
      const dr = await newDoctor(one);
      const slotsSeenBy = async (s: TestServer) =>
        ((await (await get(s, `/doctors/get/${dr.id}`)).json()) as { slots: { day: string }[] }).slots.map(
          (x) => x.day,
        );
      expect(await slotsSeenBy(other)).toEqual([]);
      expect(await slotsSeenBy(other)).toEqual([]);
      await addSlot(one, dr.token, { day: "tuesday", start: "10:00" });
      expect(await slotsSeenBy(one)).toEqual(["tuesday"]);
      const started = Date.now();
      expect(await eventually(async () => (await slotsSeenBy(other)).join() === "tuesday", 1_000, 5)).toBe(
        true,
      );
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await one.close();
      await other.close();
    }
  });
});

// On the cluster configuration the Redis that goes away is search's; the cache and queues stay on the cluster.
describe("read side: Redis goes away and comes back", () => {
  const redis = new DisposableRedisSearch(17_000 + Math.floor(Math.random() * 1000));
  let server: TestServer;
  let workers: { close(): Promise<void> };
  beforeAll(async () => {
    await redis.start();
    server = await startTestServer({
      ...disposableRedisSettings(redis.url),
      SEARCH_INDEX: "doctorly:degraded:idx",
    });
    workers = startWorkers(server.runtime, { queueName: `degraded-${uniqueWord("Q")}` });
  });
  afterAll(async () => {
    await workers.close();
    await server.close();
    await redis.stop().catch(() => undefined);
  });

  it("keeps reads and writes answering while Redis is down, 503 for search, then catches up with nothing lost", async () => {
    const word = uniqueWord("Q");
    const dr = await newDoctor(server, { name: `Dr ${word}` });
    const found = async (q: string) => {
      const res = await get(server, `/misc/doctors/search?q=${q}`);
      return res.status === 200 && (await idsOf(res)).includes(dr.id);
    };
    expect(await eventually(() => found(word), 20_000)).toBe(true);

    await redis.stop();
    expect((await get(server, `/doctors/get/${dr.id}`)).status).toBe(200);
    expect((await get(server, "/misc/specializations")).status).toBe(200);
    const search = await get(server, `/misc/doctors/search?q=${word}`);
    expect(search.status).toBe(503);
    expect(search.headers.get("content-type")).toContain("application/problem+json");
    const slot = await post(server, "/doctors/add_slot", dr.token, {
      day: "sunday",
      start: "10:00",
      appointment_duration: 10,
      num_slots: 3,
      consultation_fee: 0,
    });
    expect(slot.status).toBe(201);
    const laterWord = uniqueWord("Q");
    const later = await newDoctor(server, { name: `Dr ${laterWord}` });

    await redis.start();
    expect(await eventually(() => found(word), 15_000, 200)).toBe(true);
    const sunday = async () => {
      const res = await get(server, `/misc/doctors/search?q=${word}&day=sunday`);
      return res.status === 200 && (await idsOf(res)).includes(dr.id);
    };
    expect(await eventually(sunday, 10_000, 200)).toBe(true);
    const laterFound = async () => {
      const res = await get(server, `/misc/doctors/search?q=${laterWord}`);
      return res.status === 200 && (await idsOf(res)).includes(later.id);
    };
    expect(await eventually(laterFound, 10_000, 200)).toBe(true);
  });
});
