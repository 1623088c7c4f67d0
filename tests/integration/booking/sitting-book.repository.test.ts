import { randomUUID } from "node:crypto";
import type { DatabasePool } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { PgUnitOfWork } from "../../../src/adapters/postgres/unit-of-work.pg.js";
import { ok } from "../../../src/domain/shared/result.js";
import { bookSeat } from "../../../src/domain/sitting/sitting-book.js";
import { DEFAULT_LIMITS } from "../../../src/domain/user/limits.js";
import { TEST_DATABASE_URL } from "../../support/env.js";
import { sittingBookRepositoryContract } from "../../support/sitting-book.contract.js";

let pool: DatabasePool;
beforeAll(async () => {
  pool = await createPgPool({ databaseUrl: TEST_DATABASE_URL, maximumPoolSize: 4 });
});
afterAll(async () => {
  await pool.end();
});

sittingBookRepositoryContract("postgres", () => new PgUnitOfWork(pool));

describe("postgres sitting book repository, the database as last judge", () => {
  it("answers sitting_full when a stale book gives a seat taken meanwhile", async () => {
    const uow = new PgUnitOfWork(pool);
    const made = await uow.run(async (scope) => {
      const user = (role: "user" | "doctor") =>
        scope.users.add({
          name: "Stale",
          email: `stale-${randomUUID()}@example.test`,
          role,
          passwordHash: "x",
        });
      const doctor = await scope.doctors.insert({
        userId: (await user("doctor")).id,
        description: "",
        timeZone: "UTC",
      });
      const slot = await scope.slots.insert(doctor.id, {
        day: "monday",
        startMinute: 540,
        appointmentDuration: 15,
        numSlots: 1,
        consultationFee: 0,
      });
      const owner = await user("user");
      const patient = (n: string) =>
        scope.patients.insert(owner.id, { name: n, age: 30, gender: "other", symptoms: null });
      return ok({ slot, owner: owner.id, p1: (await patient("A")).id, p2: (await patient("B")).id });
    });
    if (!made.ok) throw new Error(made.error.code);
    const { slot, owner, p1, p2 } = made.value;
    const date = "2030-01-07";
    const now = new Date("2029-12-01T00:00:00Z");

    const stale = await uow.run(async ({ sittings }) => {
      const before = await sittings.lockAndLoad(slot, "UTC", date);
      const take = async (patientId: number) => {
        const decided = bookSeat(
          before,
          { patientId, ownerUserId: owner, newId: await sittings.newAppointmentId() },
          now,
          DEFAULT_LIMITS,
        );
        if (!decided.ok) throw new Error(decided.error.code);
        await sittings.save(before, decided.value.book);
      };
      await take(p1);
      await take(p2); // decided from the book as it was before p1's seat: seat 1 again
      return ok(true);
    });
    expect(stale).toMatchObject({ ok: false, error: { kind: "conflict", code: "sitting_full" } });
    const after = await uow.run(async ({ sittings }) => ok(await sittings.lockAndLoad(slot, "UTC", date)));
    expect(after.ok && after.value.seats).toEqual([]);
  });

  // slonik calls a transaction's handler again when PostgreSQL rolls it back for a deadlock
  // (transactionRetryLimit): a command that loses one never shows its client an error.
  it("runs a command that loses a deadlock again: two opposite lock orders both finish", async () => {
    const uow = new PgUnitOfWork(pool);
    const made = await uow.run(async (scope) => {
      const doctorUser = await scope.users.add({
        name: "Deadlock",
        email: `deadlock-${randomUUID()}@example.test`,
        role: "doctor",
        passwordHash: "x",
      });
      const doctor = await scope.doctors.insert({ userId: doctorUser.id, description: "", timeZone: "UTC" });
      return ok(
        await scope.slots.insert(doctor.id, {
          day: "monday",
          startMinute: 540,
          appointmentDuration: 15,
          numSlots: 1,
          consultationFee: 0,
        }),
      );
    });
    if (!made.ok) throw new Error(made.error.code);
    const slot = made.value;
    // Each takes one sitting, waits until the other holds its own, then asks for the other's: a cycle
    // that PostgreSQL breaks by failing one of them (the barrier stays open for the retry).
    let arrived = 0;
    let open: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => {
      open = resolve;
    });
    let attempts = 0;
    const crossing = (first: string, second: string) =>
      uow.run(async ({ sittings }) => {
        attempts++;
        await sittings.lockAndLoad(slot, "UTC", first);
        if (++arrived === 2) open();
        await barrier;
        await sittings.lockAndLoad(slot, "UTC", second);
        return ok(true);
      });
    const results = await Promise.all([
      crossing("2030-01-07", "2030-01-14"),
      crossing("2030-01-14", "2030-01-07"),
    ]);
    expect(results).toEqual([
      { ok: true, value: true },
      { ok: true, value: true },
    ]);
    expect(attempts).toBe(3);
  });
});
