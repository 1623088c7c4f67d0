import { type DatabasePool, sql } from "slonik";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { PG_POOL } from "../../../src/container.js";
import {
  apiAt,
  type BookingScene,
  bookingIntegrity,
  bookingScene,
  bookOnce,
  steady,
} from "../../support/booking-traffic.js";
import { TEST_DATABASE_URL, VOLUME_LIMITS } from "../../support/env.js";
import { eventually } from "../../support/eventually.js";
import { type OpenApiDocument, operationsOf, ResponseValidator } from "../../support/openapi.js";
import { freePort, namedDatabaseUrl, type SpawnedApi, spawnApi } from "../../support/processes.js";
import { rawRequest } from "../../support/raw-http.js";
import { DisposableRedisSearch } from "../../support/redis-search-server.js";
import { buildServingIndex } from "../../support/search-index.js";
import { startTestServer, type TestServer } from "../../support/server.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Observed {
  readonly what: string;
  readonly status: number;
}

/**
 * A steady mix of reads and bookings against `baseUrl`; records every status, every 201 appointment,
 * and every request that failed without an answer (a reset connection is a failure too).
 */
function mixedLoad(baseUrl: string, scene: BookingScene, rate: number) {
  const observed: Observed[] = [];
  const booked: number[] = [];
  const transportErrors: string[] = [];
  const api = apiAt(baseUrl);
  const reads = [
    `/doctors/get/${scene.doctorId}`,
    `/doctors/timings/${scene.doctorId}`,
    "/doctors/all?per_page=5",
    "/misc/specializations",
    "/misc/doctors/search?q=fault",
  ];
  const load = steady(rate, async (n) => {
    try {
      if (n % 2 === 0) {
        const r = await bookOnce(baseUrl, scene, n);
        r.statuses.forEach(
          (status, i) => void observed.push({ what: i === 0 ? "patient" : "booking", status }),
        );
        if (r.appointmentId !== null) booked.push(r.appointmentId);
      } else {
        const path = reads[n % reads.length] as string;
        observed.push({ what: path, status: (await api.get(path)).status });
      }
    } catch (error) {
      transportErrors.push(error instanceof Error ? error.message : String(error));
    }
  });
  return { observed, booked, transportErrors, load };
}

describe("faults during traffic", () => {
  let adminPool: DatabasePool;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    adminPool = await createPgPool({ databaseUrl: TEST_DATABASE_URL, maximumPoolSize: 2 });
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });
  afterAll(async () => {
    await adminPool?.end();
  });

  it("keeps booking while Redis is stopped and restarted: no 5xx but search's 503, /ready back to 200", async () => {
    const redis = new DisposableRedisSearch(await freePort());
    await redis.start();
    closers.push(() => redis.stop());
    const server = await startTestServer({ ...VOLUME_LIMITS, REDIS_URL: redis.url });
    closers.push(() => server.close());
    await buildServingIndex(server.runtime);
    const doc = (await (await server.request("/openapi.json")).json()) as OpenApiDocument;
    const validator = new ResponseValidator(doc);
    const scene = await bookingScene(server.baseUrl, "redis-fault");

    const { observed, booked, transportErrors, load } = mixedLoad(server.baseUrl, scene, 30);
    await sleep(1_500);
    await redis.stop();
    const bookedBefore = booked.length;
    await sleep(4_000);
    const bookedWhileDown = booked.length - bookedBefore;
    const readyWhileDown = await server.request("/ready");
    await redis.start();
    await buildServingIndex(server.runtime); // what the workers' watchdog does for a Redis back empty
    expect(await eventually(async () => (await server.request("/ready")).status === 200, 15_000)).toBe(true);
    await sleep(1_000);
    await load.drain();

    expect(transportErrors).toEqual([]);
    expect(readyWhileDown.status).toBe(503);
    const unexpected = observed.filter(
      (o) => o.status >= 500 && !(o.status === 503 && o.what.startsWith("/misc/doctors/search")),
    );
    expect(unexpected).toEqual([]);
    expect(observed.filter((o) => o.what === "booking" && o.status !== 201)).toEqual([]);
    expect(bookedWhileDown).toBeGreaterThan(5);
    expect(await bookingIntegrity(adminPool, booked, scene.slotIds)).toEqual({
      missing: [],
      duplicatedSeats: [],
      duplicatedPatients: [],
    });
    // A read after the fault still answers as documented.
    const search = operationsOf(doc).find((o) => o.key === "GET /misc/doctors/search");
    if (search) {
      const answer = await rawRequest(server.baseUrl, {
        method: "GET",
        path: "/misc/doctors/search?q=fault",
      });
      expect(validator.check(search, answer)).toEqual([]);
    }
  }, 60_000);

  it("loses and duplicates no booking when its Postgres connections are killed, then answers normally", async () => {
    const { url, applicationName } = namedDatabaseUrl("pg-kill");
    const server: TestServer = await startTestServer({
      ...VOLUME_LIMITS,
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: "4",
    });
    closers.push(() => server.close());
    const scene = await bookingScene(server.baseUrl, "pg-fault");
    const kill = () =>
      adminPool.anyFirst(sql.type(z.object({ killed: z.boolean() }))`
        SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
        WHERE application_name = ${applicationName} AND pid <> pg_backend_pid()`);

    const { observed, booked, transportErrors, load } = mixedLoad(server.baseUrl, scene, 30);
    let killed = 0;
    for (let i = 0; i < 4; i++) {
      await sleep(700);
      killed += (await kill()).length;
    }
    await sleep(1_000);
    await load.drain();

    expect(killed).toBeGreaterThan(0);
    expect(transportErrors).toEqual([]);
    // A request caught by the kill may fail, but only as "unavailable, retry": never a 500.
    expect(observed.filter((o) => o.status >= 500 && o.status !== 503)).toEqual([]);
    expect(await bookingIntegrity(adminPool, booked, scene.slotIds)).toEqual({
      missing: [],
      duplicatedSeats: [],
      duplicatedPatients: [],
    });
    // The pool has reconnected: every booking now succeeds.
    for (let n = 0; n < 10; n++) {
      expect((await bookOnce(server.baseUrl, scene, 10_000 + n)).statuses).toEqual([201, 201]);
    }
    const pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    expect(await pool.oneFirst(sql.type(z.object({ one: z.number() }))`SELECT 1 AS one`)).toBe(1);
  }, 60_000);

  it("finishes in-flight requests on SIGTERM under load, exits 0, and loses or duplicates no booking", async () => {
    let api: SpawnedApi | null = await spawnApi(VOLUME_LIMITS);
    closers.push(() => api?.stop("SIGKILL") ?? Promise.resolve());
    const scene = await bookingScene(api.baseUrl, "sigterm");
    const baseUrl = api.baseUrl;
    const { observed, booked, transportErrors, load } = mixedLoad(baseUrl, scene, 40);
    await sleep(2_000);
    const inFlightAtSignal = observed.length;
    const exit = api.stop("SIGTERM");
    const code = await exit;
    const output = api.output();
    api = null;
    await load.drain();

    expect(code).toBe(0);
    expect(output).toContain("shutting down");
    // Requests accepted before the signal were answered; after it, new connections are refused
    // (ECONNREFUSED), which a client retries elsewhere — never a reset of an accepted request.
    expect(transportErrors.filter((e) => !/ECONNREFUSED/.test(e))).toEqual([]);
    expect(observed.length).toBeGreaterThanOrEqual(inFlightAtSignal);
    expect(observed.filter((o) => o.status >= 500)).toEqual([]);
    expect(await bookingIntegrity(adminPool, booked, scene.slotIds)).toEqual({
      missing: [],
      duplicatedSeats: [],
      duplicatedPatients: [],
    });
  }, 60_000);
});
