import { Redis } from "ioredis";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PG_POOL } from "../../../src/container.js";
import { addSlot, newDoctor, post } from "../../support/booking.js";
import { eventually } from "../../support/eventually.js";
import { freePort, spawnWorker } from "../../support/processes.js";
import { DisposableRedisSearch } from "../../support/redis-search-server.js";
import { startTestServer, type TestServer } from "../../support/server.js";

const SPECIALIZATIONS = ["cardiologist", "dermatologist", "neurologist", "pediatrician"];
const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"];

describe("the projection worker killed mid-batch", () => {
  let redis: DisposableRedisSearch;
  let server: TestServer;
  let pool: DatabasePool;
  let probe: Redis;
  const workers: { child: { kill(signal: NodeJS.Signals): boolean }; exited: Promise<number | null> }[] = [];

  beforeAll(async () => {
    redis = new DisposableRedisSearch(await freePort());
    await redis.start();
    server = await startTestServer({ REDIS_URL: redis.url });
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    probe = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    for (const w of workers) {
      w.child.kill("SIGKILL");
      await w.exited;
    }
    probe?.disconnect();
    await server?.close();
    await redis?.stop();
  });

  it("drains the outbox after a restart and search converges with Postgres for every doctor", async () => {
    // Short job locks: a job the killed worker held comes back after about 2 × 5 s, not a minute.
    const env = { REDIS_URL: redis.url, LOG_LEVEL: "info", JOB_LOCK_MS: "5000" };
    const first = await spawnWorker(env);
    workers.push(first);
    const doctors: number[] = [];
    const makeDoctor = async (i: number) => {
      const dr = await newDoctor(server, { name: `Crash Doctor ${i}` });
      doctors.push(dr.id);
      await post(server, "/doctors/add_specializations", dr.token, {
        specializations: [SPECIALIZATIONS[i % SPECIALIZATIONS.length]],
      });
      await addSlot(server, dr.token, { day: DAYS[i % DAYS.length] as string, start: "09:00" });
    };
    for (let i = 0; i < 10; i++) await makeDoctor(i);
    // Killed while it relays and projects the first doctors' events: no chance to finish or clean up.
    first.child.kill("SIGKILL");
    await first.exited;
    for (let i = 10; i < 20; i++) await makeDoctor(i);
    workers.push(await spawnWorker(env));

    const unpublished = () =>
      pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM outbox
        WHERE published_at IS NULL AND (payload->>'doctorId')::int = ANY(${sql.array(doctors, "int4")})`);
    expect(await eventually(async () => (await unpublished()) === 0, 20_000, 200)).toBe(true);

    const differences = async () => {
      const diffs: string[] = [];
      for (const id of doctors) {
        const fromPostgres = await (await server.request(`/doctors/get/${id}`)).json();
        const stored = await probe.hget(`doctor:${id}`, "json");
        if (stored === null) diffs.push(`${id}: missing from search`);
        else if (JSON.stringify(JSON.parse(stored)) !== JSON.stringify(fromPostgres))
          diffs.push(`${id}: differs`);
      }
      return diffs;
    };
    // A job the killed worker held is retried once its lock lapses and the stalled-job check sees it
    // (BullMQ: lockDuration + stalledInterval, JOB_LOCK_MS = 5 s each here).
    expect(await eventually(async () => (await differences()).length === 0, 60_000, 250)).toBe(true);
    expect(await differences()).toEqual([]);
  }, 120_000);
});
