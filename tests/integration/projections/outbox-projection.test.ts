import { randomBytes } from "node:crypto";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { PublicImageUrls } from "../../../src/adapters/media/image-urls.js";
import { PgDoctorReadModel } from "../../../src/adapters/postgres/doctor.read-model.pg.js";
import { PgOutboxReader } from "../../../src/adapters/postgres/outbox.reader.pg.js";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import {
  BullJobQueue,
  type JobWorker,
  startJobWorker,
} from "../../../src/adapters/queue/job-queue.bullmq.js";
import { RedisCache } from "../../../src/adapters/redis/cache.redis.js";
import type { RedisConnection } from "../../../src/adapters/redis/client.js";
import { DoctorDocuments } from "../../../src/application/projections/doctor-documents.js";
import { DoctorProjector } from "../../../src/application/projections/doctor-projector.js";
import { jobIdOfOutboxBatch, OutboxRelay } from "../../../src/application/projections/outbox-relay.js";
import type { ProjectionBatch } from "../../../src/application/projections/projection-event.js";
import type { DomainEvent } from "../../../src/domain/events.js";
import type { JobQueue, QueuedJob, ReceivedJob } from "../../../src/ports/job-queue.js";
import { TEST_DATABASE_URL } from "../../support/env.js";
import { eventually } from "../../support/eventually.js";
import { deleteUsers, insertDoctorFixture, insertSlot } from "../../support/fixtures.js";
import { privateDoctorIndex } from "../../support/search-index.js";
import { roleRedis, TEST_QUEUE_PREFIX, testQueue } from "../../support/test-redis.js";

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
const run = randomBytes(4).toString("hex");
/** A private copy of the outbox: other test files' events are never relayed (or stolen) by these relays. */
const OUTBOX = `outbox_test_${run}`;

describe("outbox relay → BullMQ → doctor projector (real Postgres, Redis, RediSearch)", () => {
  let pool: DatabasePool;
  /** The queue role's connections (the relay's, the workers'), and the cache role's. */
  let redis: RedisConnection;
  let workerRedis: RedisConnection;
  let cacheRedis: RedisConnection;
  let search: Awaited<ReturnType<typeof privateDoctorIndex>>;
  let source: DoctorDocuments;
  let projector: DoctorProjector;
  const users: number[] = [];
  const queues: string[] = [];
  const toClose: { close(): Promise<unknown> }[] = [];

  const newQueueName = () => {
    const name = `doctorly-test-${run}-${queues.length}`;
    queues.push(name);
    return name;
  };
  const append = async (events: readonly DomainEvent[]) => {
    const rows = await pool.any(
      sql.type(z_id)`INSERT INTO ${sql.identifier([OUTBOX])} (type, payload)
        SELECT * FROM ${sql.unnest(
          events.map((e) => [e.type, JSON.stringify(e)]),
          ["text", "jsonb"],
        )} RETURNING id::text AS id`,
    );
    return rows.map((r) => r.id);
  };
  const doctor = async (name: string) => {
    const { doctorId, userId } = await insertDoctorFixture(pool, {
      name,
      specializations: ["neurologist"],
      qualifications: [{ name: "mbbs", year: 2010 }],
    });
    users.push(userId);
    return doctorId;
  };
  const storedJson = async (doctorId: number) =>
    search.redis.hget(search.index.documentKey(doctorId), "json");
  const expectedJson = async (doctorId: number) => JSON.stringify((await source.load(doctorId))?.doctor);
  const startProjector = (queueName: string, options = {}): JobWorker => {
    const worker = startJobWorker(queueName, workerRedis, projector.handle, logger, {
      prefix: TEST_QUEUE_PREFIX,
      lockDurationMs: 1_000,
      stalledIntervalMs: 300,
      ...options,
    });
    toClose.push(worker);
    return worker;
  };
  const relayFor = (queue: JobQueue, batchSize = 50) => {
    const relay = new OutboxRelay(new PgOutboxReader(pool, OUTBOX), queue, logger, { batchSize, idleMs: 50 });
    toClose.push({ close: () => relay.stop() });
    return relay;
  };
  const bullQueue = (name: string, retry = { attempts: 5, backoffMs: 50 }) => {
    const queue = new BullJobQueue(name, redis, retry, TEST_QUEUE_PREFIX);
    toClose.push(queue);
    return queue;
  };

  beforeAll(async () => {
    pool = await createPgPool({ databaseUrl: TEST_DATABASE_URL, maximumPoolSize: 6 });
    redis = await roleRedis("queue", "test-relay");
    workerRedis = await roleRedis("queue-worker", "test-worker");
    cacheRedis = await roleRedis("cache", "test-cache");
    await pool.query(sql.unsafe`CREATE TABLE ${sql.identifier([OUTBOX])} (LIKE outbox INCLUDING ALL)`);
    search = await privateDoctorIndex();
    source = new DoctorDocuments(new PgDoctorReadModel(pool), new PublicImageUrls("http://doctorly.test"), {
      now: () => new Date(),
    });
    projector = new DoctorProjector(
      source,
      search.index,
      new RedisCache(cacheRedis, logger, `doctorly:test:${run}:`),
    );
    await search.index.ensureIndex();
  });

  afterAll(async () => {
    for (const c of toClose.reverse()) await c.close().catch(() => undefined);
    for (const name of queues) {
      const q = testQueue(name, redis);
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    await search.dispose();
    await pool.query(sql.unsafe`DROP TABLE IF EXISTS ${sql.identifier([OUTBOX])}`);
    await deleteUsers(pool, users);
    workerRedis.disconnect();
    cacheRedis.disconnect();
    await redis.quit();
    await pool.end();
  });

  it("shows an event's change in the index within 2 s, and ignores events about no doctor", async () => {
    const queueName = newQueueName();
    const relay = relayFor(bullQueue(queueName));
    relay.start();
    startProjector(queueName);
    const doctorId = await doctor(`Quickly Indexed ${run}`);
    const started = Date.now();
    await append([
      { type: "PatientRegistered", patientId: 1, userId: 1 },
      { type: "DoctorRegistered", doctorId, userId: 1 },
    ]);
    const seen = await eventually(
      async () =>
        (await search.index.search({ namePrefix: `quickly ${run}`, sort: "relevance", page: 1, perPage: 5 }))
          .total === 1,
      2_000,
      20,
    );
    expect(seen).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await storedJson(doctorId)).toBe(await expectedJson(doctorId));
    await relay.stop();
  });

  it("ends in the same document whatever the order or number of copies of the events", async () => {
    const queueName = newQueueName();
    const queue = bullQueue(queueName);
    const doctorId = await doctor(`Reordered ${run}`);
    await insertSlot(pool, doctorId, {
      day: "friday",
      startMinute: 480,
      duration: 30,
      numSlots: 2,
      fee: 900,
    });
    // Out of order: the slot event first, the registration last, and copies of both.
    const slotAdded: DomainEvent = { type: "SlotAdded", doctorId, slotId: 1 };
    const registered: DomainEvent = { type: "DoctorRegistered", doctorId, userId: 1 };
    const ids = await append([slotAdded, slotAdded, registered]);
    const relay = relayFor(queue);
    expect(await relay.relayOnce()).toBe(3);
    // The same batch enqueued again (a relay that crashed before its commit) collapses by job id.
    await queue.enqueue([
      {
        id: jobIdOfOutboxBatch(ids),
        name: "outbox",
        data: {
          events: [slotAdded, slotAdded, registered].map((e, i) => ({
            outboxId: ids[i] as string,
            type: e.type,
            payload: e,
          })),
        } satisfies ProjectionBatch,
      },
    ]);
    startProjector(queueName);
    const counts = () => testQueue(queueName, redis);
    const admin = counts();
    toClose.push(admin);
    expect(await eventually(async () => (await admin.getCompletedCount()) === 1, 5_000, 20)).toBe(true);
    expect(await admin.getJobCountByTypes("waiting", "active", "delayed", "failed")).toBe(0);
    expect(await storedJson(doctorId)).toBe(await expectedJson(doctorId));
    expect(JSON.parse((await storedJson(doctorId)) as string).slots).toHaveLength(1);

    // Replaying every event again, in reverse, changes nothing.
    await projector.handle(job(registered));
    await projector.handle(job(slotAdded));
    expect(await storedJson(doctorId)).toBe(await expectedJson(doctorId));
  });

  it("publishes each event exactly once with two relays running at the same time", async () => {
    const queueName = newQueueName();
    const real = bullQueue(queueName);
    const published: string[] = [];
    let batches = 0;
    const recording: JobQueue = {
      enqueue: async (jobs: readonly QueuedJob[]) => {
        batches += jobs.length;
        for (const j of jobs) published.push(...(j.data as ProjectionBatch).events.map((e) => e.outboxId));
        await new Promise((r) => setTimeout(r, 5)); // hold the rows a moment so the relays really overlap
        await real.enqueue(jobs);
      },
      failed: (n) => real.failed(n),
      retryFailed: () => real.retryFailed(),
    };
    const ids = await append(
      Array.from(
        { length: 120 },
        (_, i): DomainEvent => ({ type: "PatientRegistered", patientId: i + 1, userId: 1 }),
      ),
    );
    const a = relayFor(recording, 7);
    const b = relayFor(recording, 7);
    a.start();
    b.start();
    const unpublished = () =>
      pool.oneFirst(
        sql.type(
          z_count,
        )`SELECT count(*)::int AS count FROM ${sql.identifier([OUTBOX])} WHERE published_at IS NULL`,
      );
    expect(await eventually(async () => (await unpublished()) === 0, 10_000, 20)).toBe(true);
    await a.stop();
    await b.stop();
    expect(published).toHaveLength(120);
    expect(new Set(published)).toEqual(new Set(ids));
    // At most 7 events a job (the relays' batch size), every job queued.
    expect(batches).toBeGreaterThanOrEqual(120 / 7);
    const admin = testQueue(queueName, redis);
    toClose.push(admin);
    expect(await admin.getWaitingCount()).toBe(batches);
  });

  it("applies an event whose worker died after taking it, once a new worker runs", async () => {
    const queueName = newQueueName();
    const queue = bullQueue(queueName);
    const doctorId = await doctor(`Survivor ${run}`);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let taken = false;
    const doomed = startJobWorker(
      queueName,
      workerRedis,
      async () => {
        taken = true;
        await gate; // the "crash" happens while the job is in here
      },
      logger,
      { prefix: TEST_QUEUE_PREFIX, lockDurationMs: 1_000, stalledIntervalMs: 300 },
    );
    const registered: DomainEvent = { type: "DoctorRegistered", doctorId, userId: 1 };
    await append([registered]);
    await relayFor(queue).relayOnce();
    expect(await eventually(async () => taken, 5_000, 20)).toBe(true);
    await doomed.close(true);
    expect(await storedJson(doctorId)).toBeNull();

    startProjector(queueName);
    expect(await eventually(async () => (await storedJson(doctorId)) !== null, 10_000, 50)).toBe(true);
    expect(await storedJson(doctorId)).toBe(await expectedJson(doctorId));
    release();
  });

  it("puts a job that keeps failing in the failed set, and replay runs it again", async () => {
    const queueName = newQueueName();
    const queue = bullQueue(queueName, { attempts: 3, backoffMs: 20 });
    const doctorId = await doctor(`Flaky ${run}`);
    let broken = true;
    let attempts = 0;
    toClose.push(
      startJobWorker(
        queueName,
        workerRedis,
        async (j: ReceivedJob) => {
          attempts++;
          if (broken) throw new Error("postgres is away");
          await projector.handle(j);
        },
        logger,
        { prefix: TEST_QUEUE_PREFIX },
      ),
    );
    await append([{ type: "DoctorProfileChanged", doctorId }]);
    await relayFor(queue).relayOnce();
    expect(await eventually(async () => (await queue.failed(10)).length === 1, 10_000, 20)).toBe(true);
    const [failed] = await queue.failed(10);
    expect(failed).toMatchObject({
      name: "DoctorProfileChanged",
      attemptsMade: 3,
      failedReason: "postgres is away",
    });
    expect(attempts).toBe(3);
    expect(await storedJson(doctorId)).toBeNull();

    broken = false;
    expect(await queue.retryFailed()).toBe(1);
    expect(await eventually(async () => (await storedJson(doctorId)) !== null, 5_000, 20)).toBe(true);
    expect(await queue.failed(10)).toEqual([]);
    expect(await storedJson(doctorId)).toBe(await expectedJson(doctorId));
  });
});

import { z } from "zod";

const z_id = z.object({ id: z.string() });
const z_count = z.object({ count: z.number() });

function job(event: DomainEvent): ReceivedJob {
  const data: ProjectionBatch = { events: [{ outboxId: "0", type: event.type, payload: event }] };
  return { id: "manual", name: event.type, data, attemptsMade: 0 };
}
