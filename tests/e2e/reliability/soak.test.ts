import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { compose } from "../../../src/container.js";
import { DOCTOR_SEARCH_INDEX, type DoctorSearchIndex } from "../../../src/ports/doctor-search.js";
import {
  apiAt,
  type BookingScene,
  bookingIntegrity,
  bookingScene,
  bookOnce,
  steady,
} from "../../support/booking-traffic.js";
import { TEST_DATABASE_URL, testConfig, VOLUME_LIMITS } from "../../support/env.js";
import { eventually } from "../../support/eventually.js";
import { freePort, namedDatabaseUrl, type SpawnedApi, spawnApi } from "../../support/processes.js";
import { DisposableRedisSearch } from "../../support/redis-search-server.js";

const SOAK_MS = Number(process.env.SOAK_MS ?? 60_000);
const WARM_UP_MS = SOAK_MS / 4;
const RATE = 40;
const POOL_SIZE = 6;

const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;

describe("soak: a steady mixed workload for a minute", () => {
  let redis: DisposableRedisSearch;
  let adminPool: DatabasePool;
  let api: SpawnedApi;
  let applicationName: string;
  let scene: BookingScene;

  beforeAll(async () => {
    redis = new DisposableRedisSearch(await freePort());
    await redis.start();
    adminPool = await createPgPool({ databaseUrl: TEST_DATABASE_URL, maximumPoolSize: 2 });
    // The search index exists in this private Redis, as the workers would have made it.
    const runtime = await compose(testConfig({ REDIS_URL: redis.url }), createLogger("silent"));
    const index = runtime.container.get<DoctorSearchIndex>(DOCTOR_SEARCH_INDEX);
    // The app's connection refuses commands until it is connected (no offline queue).
    expect(
      await eventually(
        () =>
          index.ensureIndex().then(
            () => true,
            () => false,
          ),
        5_000,
      ),
    ).toBe(true);
    await runtime.close();
    const named = namedDatabaseUrl("soak");
    applicationName = named.applicationName;
    api = await spawnApi({
      ...VOLUME_LIMITS,
      DATABASE_URL: named.url,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      REDIS_URL: redis.url,
      LOG_LEVEL: "warn",
    });
    scene = await bookingScene(api.baseUrl, "soak");
  });
  afterAll(async () => {
    await api?.stop("SIGTERM");
    await adminPool?.end();
    await redis?.stop();
  });

  it(
    `answers ${RATE} req/s of reads, searches, bookings and cancels with no 5xx, flat connections and memory`,
    async () => {
      const http = apiAt(api.baseUrl);
      const statuses = new Map<string, number[]>();
      const transportErrors: string[] = [];
      const booked: number[] = [];
      const cancelled: number[] = [];
      const record = (what: string, status: number) =>
        statuses.set(what, [...(statuses.get(what) ?? []), status]);
      const reads = [
        `/doctors/get/${scene.doctorId}`,
        `/doctors/timings/${scene.doctorId}?days=14`,
        `/doctors/slot/${scene.doctorId}`,
        "/doctors/all?per_page=10",
        "/doctors/popular/doctors",
        "/misc/specializations",
        "/misc/doctors/search?q=soak&sort=fee",
        "/misc/doctors/day/monday",
      ];
      const load = steady(RATE, async (n) => {
        try {
          const kind = n % 10;
          if (kind < 3) {
            const r = await bookOnce(api.baseUrl, scene, n);
            r.statuses.forEach((s, i) => void record(i === 0 ? "new patient" : "booking", s));
            if (r.appointmentId !== null) booked.push(r.appointmentId);
          } else if (kind === 3 && booked.length > cancelled.length + 5) {
            const id = booked[cancelled.length] as number;
            cancelled.push(id);
            record("cancel", (await http.post(`/patient/appointment/${id}/cancel`, scene.userToken)).status);
          } else if (kind === 4) {
            record(
              "history",
              (await http.get("/patient/appointment/history?per_page=5", scene.userToken)).status,
            );
          } else {
            const path = reads[n % reads.length] as string;
            record(path.split("?")[0] as string, (await http.get(path)).status);
          }
        } catch (error) {
          transportErrors.push(error instanceof Error ? error.message : String(error));
        }
      });

      const samples: { at: number; pg: number; redis: number; rss: number }[] = [];
      const probe = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await probe.connect();
      const started = Date.now();
      while (Date.now() - started < SOAK_MS) {
        await new Promise((r) => setTimeout(r, 2_500));
        const pg = await adminPool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${applicationName}`);
        const clients = String(await probe.call("CLIENT", "LIST"))
          .split("\n")
          .filter((line) => /name=doctorly-/.test(line)).length;
        samples.push({ at: Date.now() - started, pg, redis: clients, rss: rssOf(api.child.pid as number) });
      }
      await load.drain();
      probe.disconnect();

      const all = [...statuses.values()].flat();
      const fiveHundreds = [...statuses].flatMap(([what, s]) =>
        s.filter((x) => x >= 500).map((x) => `${what} ${x}`),
      );
      console.info(
        `soak: ${all.length} answers in ${SOAK_MS} ms, ${booked.length} bookings, ${cancelled.length} cancels;`,
        JSON.stringify(samples.map((s) => [s.at, s.pg, s.redis, Math.round(s.rss / 1e6)])),
      );
      expect(transportErrors).toEqual([]);
      expect(fiveHundreds).toEqual([]);
      expect(all.length).toBeGreaterThan((RATE * SOAK_MS) / 1000 / 2);
      expect(statuses.get("booking")?.every((s) => s === 201)).toBe(true);
      expect(statuses.get("cancel")?.every((s) => s === 200)).toBe(true);

      const warm = samples.filter((s) => s.at <= WARM_UP_MS);
      const later = samples.filter((s) => s.at > WARM_UP_MS);
      // Connections: the pool never exceeds its size and does not creep; Redis clients stay as they were.
      expect(Math.max(...samples.map((s) => s.pg))).toBeLessThanOrEqual(POOL_SIZE);
      expect(Math.max(...later.map((s) => s.redis))).toBeLessThanOrEqual(
        Math.max(...warm.map((s) => s.redis)),
      );
      // Memory: after the warm-up, resident memory stays within a band (a leak at 40 req/s would pass it).
      const baseline = Math.max(...warm.map((s) => s.rss));
      expect(Math.max(...later.map((s) => s.rss))).toBeLessThan(baseline * 1.25 + 30 * 1024 * 1024);

      expect(await bookingIntegrity(adminPool, booked, scene.slotIds)).toEqual({
        missing: [],
        duplicatedSeats: [],
        duplicatedPatients: [],
      });
    },
    SOAK_MS + 60_000,
  );
});
