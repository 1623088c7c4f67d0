import { randomUUID } from "node:crypto";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { PgUnitOfWork } from "../../../src/adapters/postgres/unit-of-work.pg.js";
import { BookAppointment } from "../../../src/application/commands/booking/book-appointment.js";
import { ok, type Result } from "../../../src/domain/shared/result.js";
import { bookSeat } from "../../../src/domain/sitting/sitting-book.js";
import { DEFAULT_LIMITS, type Limits } from "../../../src/domain/user/limits.js";
import type { TransactionScope } from "../../../src/ports/unit-of-work.js";
import { TEST_DATABASE_URL } from "../../support/env.js";
import { eventually } from "../../support/eventually.js";

// Mondays far ahead: their sittings (09:00 UTC) have not started at NOW.
const DATE = "2030-01-07";
const OTHER_DATE = "2030-01-14";
const NOW = new Date("2029-12-01T00:00:00Z");
const LIMITS: Limits = { ...DEFAULT_LIMITS, liveAppointmentsPerAccount: 1 };

let pool: DatabasePool;
beforeAll(async () => {
  pool = await createPgPool({ databaseUrl: TEST_DATABASE_URL, maximumPoolSize: 6 });
});
afterAll(async () => {
  await pool.end();
});

async function buildScene(uow: PgUnitOfWork) {
  const made = await uow.run(async (scope) => {
    const user = (role: "user" | "doctor") =>
      scope.users.add({ name: "Lock", email: `lock-${randomUUID()}@example.test`, role, passwordHash: "x" });
    const doctor = await scope.doctors.insert({
      userId: (await user("doctor")).id,
      description: "",
      timeZone: "UTC",
    });
    await scope.doctors.setVerified(doctor.id, true);
    const slot = await scope.slots.insert(doctor.id, {
      day: "monday",
      startMinute: 540,
      appointmentDuration: 15,
      numSlots: 5,
      consultationFee: 0,
    });
    const owner = await user("user");
    const patient = (name: string) =>
      scope.patients.insert(owner.id, { name, age: 30, gender: "other", symptoms: null });
    return ok({ slot, owner: owner.id, p1: (await patient("A")).id, p2: (await patient("B")).id });
  });
  if (!made.ok) throw new Error(made.error.code);
  return made.value;
}

/** True once a transaction waits for the account's advisory lock (two-key form: classid 0, objid the user). */
const waitsForAccountLock = async (userId: number) =>
  (await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM pg_locks
    WHERE locktype = 'advisory' AND NOT granted AND classid = 0 AND objid = ${userId} AND objsubid = 2
  `)) > 0;

/**
 * Transaction A takes the account's lock and does `change` under it; the booking starts while A holds
 * it, and A commits once the booking waits for the lock (inside its first statement after the
 * idempotency check, whose snapshot was taken before A's commit).
 */
async function bookWhileLocked(
  owner: number,
  change: (scope: TransactionScope) => Promise<void>,
  book: () => Promise<Result<unknown>>,
): Promise<Result<unknown>> {
  const uow = new PgUnitOfWork(pool);
  let locked: () => void = () => undefined;
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const holder = uow.run(async (scope) => {
    await scope.usage.lock(owner);
    await change(scope);
    locked();
    await released;
    return ok(true);
  });
  await isLocked;
  // Started outside A's callback: the pool refuses queries of another connection inside a transaction's.
  const booking = book();
  const waited = await eventually(() => waitsForAccountLock(owner), 10_000, 20);
  release();
  expect(await holder).toEqual({ ok: true, value: true });
  expect(waited).toBe(true);
  return booking;
}

const liveOf = (owner: number) =>
  pool.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM appointments a JOIN patients p ON p.id = a.patient_id
    WHERE p.user_id = ${owner} AND a.status = 'booked'
  `);

describe.each([
  { what: "of a given date", date: DATE as string | undefined },
  { what: "without a date", date: undefined },
])(
  "a booking $what that waits for its account's lock decides on what was committed meanwhile",
  ({ date }) => {
    const booking = () => {
      const uow = new PgUnitOfWork(pool);
      return { uow, booker: new BookAppointment(uow, { now: () => NOW }, 60, LIMITS) };
    };

    it("answers patient_not_found when the patient was deleted under the lock", async () => {
      const { uow, booker } = booking();
      const { slot, owner, p1 } = await buildScene(uow);
      const result = await bookWhileLocked(
        owner,
        (scope) => scope.patients.erase(p1),
        () => booker.execute({ userId: owner, role: "user" }, { slotId: slot.id, patientId: p1, date }),
      );
      expect(result).toMatchObject({ ok: false, error: { code: "patient_not_found" } });
      expect(await liveOf(owner)).toBe(0);
    });

    it("answers limit_reached when the account reached its cap under the lock", async () => {
      const { uow, booker } = booking();
      const { slot, owner, p1, p2 } = await buildScene(uow);
      const result = await bookWhileLocked(
        owner,
        async (scope) => {
          // Another booking of the account, in another sitting of the slot.
          const before = await scope.sittings.lockAndLoad(slot, "UTC", OTHER_DATE);
          const decided = bookSeat(
            before,
            { patientId: p2, ownerUserId: owner, newId: await scope.sittings.newAppointmentId() },
            NOW,
            LIMITS,
          );
          if (!decided.ok) throw new Error(decided.error.code);
          await scope.sittings.save(before, decided.value.book);
        },
        () => booker.execute({ userId: owner, role: "user" }, { slotId: slot.id, patientId: p1, date }),
      );
      expect(result).toMatchObject({ ok: false, error: { code: "limit_reached" } });
      expect(await liveOf(owner)).toBe(1);
    });
  },
);
