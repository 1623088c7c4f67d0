import { execFileSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { projectRoot } from "../../../src/config.js";
import { get, newDoctor } from "../../support/booking.js";
import { apiAt, bookingIntegrity, bookingScene, bookOnce, steady } from "../../support/booking-traffic.js";
import { TEST_DATABASE_READ_URL, TEST_DATABASE_URL, VOLUME_LIMITS } from "../../support/env.js";
import { eventually } from "../../support/eventually.js";
import { bookScene, changeDescription, descriptionOn, scaleScene } from "../../support/scale-flow.js";
import { startTestServer, type TestServer } from "../../support/server.js";

/**
 * Against the local streaming replica of scripts/replica.sh (port 5433, replaying 1 s behind). Replay is
 * paused where a test needs the replica to lag for certain, and resumed in `finally`.
 */
const replicaScript = (command?: string) =>
  execFileSync("bash", [path.join(projectRoot, "scripts/replica.sh"), ...(command ? [command] : [])], {
    stdio: "pipe",
  });

async function sqlAt<T extends Record<string, unknown>>(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
const onReplica = (text: string) => sqlAt(TEST_DATABASE_READ_URL, text);
const onPrimary = (text: string, values: unknown[] = []) => sqlAt(TEST_DATABASE_URL, text, values);

/** Until the replica has replayed everything committed on the primary so far. */
async function replicaCaughtUp() {
  const [target] = await onPrimary("SELECT pg_current_wal_lsn()::text AS lsn");
  const caughtUp = await eventually(async () => {
    const [row] = await onReplica(`SELECT pg_last_wal_replay_lsn() >= '${target?.lsn}'::pg_lsn AS ok`);
    return row?.ok === true;
  }, 20_000);
  expect(caughtUp).toBe(true);
}

async function withReplayPaused(work: () => Promise<void>) {
  await onReplica("SELECT pg_wal_replay_pause()");
  try {
    await work();
  } finally {
    await onReplica("SELECT pg_wal_replay_resume()");
  }
}

const replicaSettings = {
  ...VOLUME_LIMITS,
  DATABASE_READ_URL: TEST_DATABASE_READ_URL,
  DATABASE_POOL_SIZE: "3",
};

describe("a PostgreSQL read replica for the lag-tolerant reads", () => {
  /** The writer's API process, with the cache as in production. */
  let server: TestServer;
  /** Another API process, without a cache: every read it answers comes from the read model's pool. */
  let other: TestServer;
  beforeAll(async () => {
    replicaScript();
    server = await startTestServer(replicaSettings);
    other = await startTestServer({ ...replicaSettings, CACHE_ENABLED: "false" });
  });
  afterAll(async () => {
    await onReplica("SELECT pg_wal_replay_resume()").catch(() => undefined);
    await other?.close();
    await server?.close();
  });

  const description = descriptionOn;

  it("serves reads from the replica once it has caught up: a change made behind the app's back shows after replay", async () => {
    const dr = await newDoctor(server);
    await replicaCaughtUp();
    await withReplayPaused(async () => {
      // Not through the app, so no write fence: only the replica's lag decides what a read shows.
      await onPrimary("UPDATE doctors SET description = 'Changed behind the app' WHERE id = $1", [dr.id]);
      expect((await onPrimary("SELECT description FROM doctors WHERE id = $1", [dr.id]))[0]).toEqual({
        description: "Changed behind the app",
      });
      // The paused replica still has the old row: reads answer it, so they are served there.
      expect(await eventually(async () => (await description(other, dr.id)) === "GP")).toBe(true);
    });
    // Replay resumed: the replica converges, and so does every read.
    expect(
      await eventually(async () => (await description(other, dr.id)) === "Changed behind the app", 20_000),
    ).toBe(true);
  });

  it("shows a write at once to the writer and to everyone else while the replica lags behind it", async () => {
    const scene = await scaleScene(server, "Replica", "thursday");
    const { doctor: dr, date } = scene;
    await replicaCaughtUp();
    expect(await description(server, dr.id)).toBe("GP"); // cached now, from wherever
    await withReplayPaused(async () => {
      await changeDescription(server, dr.token, "Written while the replica lags");
      expect(await description(server, dr.id)).toBe("Written while the replica lags");
      expect(await description(other, dr.id)).toBe("Written while the replica lags");

      await bookScene(server, scene);
      for (const on of [server, other]) {
        const timings = (await (await get(on, `/doctors/timings/${dr.id}?from=${date}&days=1`)).json()) as {
          data: { booked: number }[];
        };
        expect(timings.data[0]?.booked).toBe(1);
      }
      // The replica itself has neither yet: those answers came from the primary.
      expect(await onReplica(`SELECT description FROM doctors WHERE id = ${dr.id}`)).toEqual([
        { description: "GP" },
      ]);
    });
  });

  it("keeps answering when the replica stops (/ready says degraded), and uses it again when it is back", async () => {
    const dr = await newDoctor(server);
    replicaScript("stop");
    try {
      expect(await description(other, dr.id)).toBe("GP");
      const timings = await get(other, `/doctors/timings/${dr.id}`);
      expect(timings.status).toBe(200);
      const ready = await other.request("/ready");
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as {
        checks: Record<string, string>;
        roles: Record<string, string[]>;
      };
      expect(body.checks).toMatchObject({ postgres: "ok", "postgres-replica": "degraded" });
      expect(body.roles["postgres-replica"]).toEqual(["read model"]);
    } finally {
      replicaScript("start");
    }
    const replicaOk = async () =>
      ((await (await other.request("/ready")).json()) as { checks: Record<string, string> }).checks[
        "postgres-replica"
      ] === "ok";
    expect(await eventually(replicaOk, 20_000)).toBe(true);
    expect(await description(other, dr.id)).toBe("GP");
  });

  it("loses and doubles no booking and keeps every read answering when the replica stops under traffic", async () => {
    const scene = await bookingScene(other.baseUrl, "replica-fault");
    const api = apiAt(other.baseUrl);
    const statuses: number[] = [];
    const booked: number[] = [];
    const transportErrors: string[] = [];
    const reads = [
      `/doctors/timings/${scene.doctorId}`,
      `/doctors/get/${scene.doctorId}`,
      "/doctors/popular/doctors",
    ];
    const load = steady(30, async (n) => {
      try {
        if (n % 2 === 0) {
          const r = await bookOnce(other.baseUrl, scene, n);
          statuses.push(...r.statuses);
          if (r.appointmentId !== null) booked.push(r.appointmentId);
        } else {
          statuses.push((await api.get(reads[n % reads.length] as string)).status);
        }
      } catch (error) {
        transportErrors.push(error instanceof Error ? error.message : String(error));
      }
    });
    try {
      expect(await eventually(async () => booked.length >= 10)).toBe(true);
      replicaScript("stop");
      const bookedAtStop = booked.length;
      const readsAtStop = statuses.length;
      expect(await eventually(async () => booked.length >= bookedAtStop + 20, 20_000)).toBe(true);
      expect(statuses.length).toBeGreaterThan(readsAtStop + 20);
    } finally {
      await load.drain();
      replicaScript("start");
    }
    expect(transportErrors).toEqual([]);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const pool = await createPgPool({ databaseUrl: TEST_DATABASE_URL, maximumPoolSize: 1 });
    try {
      expect(await bookingIntegrity(pool, booked, scene.slotIds)).toEqual({
        missing: [],
        duplicatedSeats: [],
        duplicatedPatients: [],
      });
    } finally {
      await pool.end();
    }
  }, 90_000);
});
