import { describe, expect, it } from "vitest";
import {
  idempotencyKeyPurge,
  PURGE_BATCH_SIZE,
  PURGE_EVERY_MS,
  PurgeSchedule,
  purgeInBatches,
  sessionPurge,
} from "../../../src/application/maintenance/purges.js";
import { IndexWatchdog, startMaintenance } from "../../../src/application/maintenance/watchdog.js";
import type { VisitReadModel } from "../../../src/ports/visit.read-model.js";
import { FakeSessionStore, RecordingLogger } from "../../support/fakes/accounts.js";
import {
  FakeDoctorIndex,
  FakeIdempotencyKeys,
  FakeReminderPlanner,
  fakeDocumentSource,
} from "../../support/fakes/maintenance.js";
import { FixedClock } from "../../support/fakes/unit-of-work.js";

const DAY = 86_400_000;
const start = new Date("2026-12-07T09:00:00Z");
const daysBefore = (days: number, at = start) => new Date(at.getTime() - days * DAY);
const later = (ms: number) => new Date(start.getTime() + ms);

function schedule(keys: FakeIdempotencyKeys, batchSize = 10) {
  const clock = new FixedClock(start);
  const logger = new RecordingLogger();
  const purges = new PurgeSchedule([idempotencyKeyPurge(keys, 7)], clock, logger, { batchSize });
  return { clock, logger, purges };
}

describe("purges", () => {
  it("deletes batch after batch until a batch comes back short", async () => {
    const keys = new FakeIdempotencyKeys(Array.from({ length: 25 }, () => daysBefore(8)));
    const { purges, logger } = schedule(keys);
    await purges.runDue();
    expect(keys.batches.map((b) => [b.limit, b.deleted])).toEqual([
      [10, 10],
      [10, 10],
      [10, 5],
    ]);
    expect(keys.createdAt).toEqual([]);
    expect(logger.lines).toEqual([[{ purged: 25 }, "expired idempotency keys forgotten"]]);
  });

  it("asks once more after a full batch: an exact multiple ends on an empty batch", async () => {
    let left = 20;
    const asked: number[] = [];
    const purged = await purgeInBatches(async (limit) => {
      asked.push(limit);
      const deleted = Math.min(limit, left);
      left -= deleted;
      return deleted;
    }, 10);
    expect(purged).toBe(20);
    expect(asked).toEqual([10, 10, 10]);
  });

  it("runs at start, then hourly", async () => {
    const keys = new FakeIdempotencyKeys();
    const { purges, clock } = schedule(keys);
    await purges.runDue();
    expect(keys.batches).toHaveLength(1);

    for (const at of [1, 30 * 60_000, PURGE_EVERY_MS - 1]) {
      clock.current = later(at);
      await purges.runDue();
    }
    expect(keys.batches).toHaveLength(1);

    clock.current = later(PURGE_EVERY_MS);
    await purges.runDue();
    expect(keys.batches).toHaveLength(2);
    clock.current = later(2 * PURGE_EVERY_MS - 1);
    await purges.runDue();
    expect(keys.batches).toHaveLength(2);
    clock.current = later(2 * PURGE_EVERY_MS);
    await purges.runDue();
    expect(keys.batches).toHaveLength(3);
  });

  it("forgets only keys older than the retention, counted from the clock's now", async () => {
    const keys = new FakeIdempotencyKeys([daysBefore(8), daysBefore(6), daysBefore(7.5)]);
    const { purges } = schedule(keys);
    await purges.runDue();
    expect(keys.batches[0]?.cutoff).toEqual(daysBefore(7));
    expect(keys.createdAt).toEqual([daysBefore(6)]);
  });

  it("tries a failed purge again at the next round, not an hour later, and logs nothing for an empty one", async () => {
    const keys = new FakeIdempotencyKeys([daysBefore(8)]);
    keys.failures = 1;
    const { purges, clock, logger } = schedule(keys);
    await purges.runDue();
    expect(logger.lines).toEqual([[{ err: "connection refused" }, "idempotency key purge failed"]]);
    clock.current = later(2_000);
    await purges.runDue();
    expect(keys.createdAt).toEqual([]);
    clock.current = later(4_000);
    await purges.runDue();
    expect(keys.batches).toHaveLength(1);
    expect(logger.lines).toHaveLength(2);
  });

  it("deletes ended sessions with the default batch size, each purge on its own schedule", async () => {
    const sessions = new FakeSessionStore();
    const keys = new FakeIdempotencyKeys();
    keys.failures = 1;
    const ends = { expiresAt: daysBefore(1), absoluteExpiresAt: daysBefore(1) };
    await sessions.create({ tokenDigest: "ended", userId: 1, ...ends });
    await sessions.create({
      tokenDigest: "live",
      userId: 1,
      expiresAt: later(DAY),
      absoluteExpiresAt: later(DAY),
    });
    const logger = new RecordingLogger();
    const clock = new FixedClock(start);
    const purges = new PurgeSchedule([idempotencyKeyPurge(keys, 7), sessionPurge(sessions)], clock, logger);
    await purges.runDue();
    expect(await sessions.find("ended")).toBeNull();
    expect(await sessions.find("live")).not.toBeNull();
    expect(logger.lines).toContainEqual([{ purged: 1 }, "ended sessions deleted"]);
    clock.current = later(2_000);
    await purges.runDue();
    expect(keys.batches.map((b) => b.limit)).toEqual([PURGE_BATCH_SIZE]);
  });
});

const visits = {} as Pick<VisitReadModel, "liveAppointmentsFrom">;

function watchdog(doctorIds: number[] = [1, 2, 3]) {
  const index = new FakeDoctorIndex();
  const reminders = new FakeReminderPlanner();
  const logger = new RecordingLogger();
  const dog = new IndexWatchdog({ index, source: fakeDocumentSource(doctorIds), reminders, visits, logger });
  return { index, reminders, logger, dog };
}

describe("index watchdog", () => {
  it("rebuilds a missing index from Postgres once and plans the reminders again", async () => {
    const { dog, index, reminders, logger } = watchdog();
    expect(await dog.check()).toBe(true);
    expect(index.rebuilds).toBe(1);
    expect([...index.documents.keys()]).toEqual([1, 2, 3]);
    expect(reminders.replanned).toBe(1);
    expect(logger.lines).toEqual([
      [{ indexed: 3 }, "doctor index was missing: rebuilt from postgres"],
      [{ appointments: 3 }, "reminders planned again from postgres"],
    ]);

    for (let round = 0; round < 3; round++) expect(await dog.check()).toBe(true);
    expect(index.rebuilds).toBe(1);
    expect(reminders.replanned).toBe(1);
  });

  it("rebuilds again when Redis comes back empty later", async () => {
    const { dog, index, reminders } = watchdog();
    await dog.check();
    index.missing = true;
    await dog.check();
    expect(index.rebuilds).toBe(2);
    expect(reminders.replanned).toBe(2);
  });

  it("keeps trying to plan the reminders again, without another rebuild, until it succeeds", async () => {
    const { dog, index, reminders, logger } = watchdog();
    reminders.failures = 2;
    expect(await dog.check()).toBe(false);
    expect(await dog.check()).toBe(false);
    expect(await dog.check()).toBe(true);
    expect(index.rebuilds).toBe(1);
    expect(reminders.replanned).toBe(1);
    expect(logger.lines).toContainEqual([{ err: "queue unavailable" }, "doctor index check failed"]);
  });

  it("answers false while Redis does not answer, and rebuilds once it does", async () => {
    const { dog, index, reminders } = watchdog();
    index.failures = 1;
    expect(await dog.check()).toBe(false);
    expect(index.rebuilds).toBe(0);
    expect(await dog.check()).toBe(true);
    expect(index.rebuilds).toBe(1);
    expect(reminders.replanned).toBe(1);
  });
});

describe("maintenance loop", () => {
  it("runs the due purges and then the index check at start, again after the pause, and stops at once", async () => {
    const calls: string[] = [];
    let checks = 0;
    const loop = startMaintenance(
      {
        check: async () => {
          calls.push("check");
          checks += 1;
          return checks > 1;
        },
      },
      { runDue: async () => void calls.push("purge") },
      { everyMs: 60_000, retryMs: 5 },
    );
    for (let waited = 0; calls.length < 4 && waited < 2_000; waited += 5) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    const stopping = Date.now();
    await loop.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    // The first check failed, so the second came after the short pause; the third waits a minute.
    expect(calls).toEqual(["purge", "check", "purge", "check"]);
  });
});
