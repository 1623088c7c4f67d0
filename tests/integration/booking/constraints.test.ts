import type { DatabasePool } from "slonik";
import { sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { BookAppointment } from "../../../src/application/commands/booking/book-appointment.js";
import { compose, PG_POOL, type Runtime } from "../../../src/container.js";
import { appError, err, ok } from "../../../src/domain/shared/result.js";
import { UNIT_OF_WORK, type UnitOfWork } from "../../../src/ports/unit-of-work.js";
import { testConfig } from "../../support/env.js";
import { insertDoctor, insertPatient, insertSlot, insertUser, nextWeekday } from "../../support/fixtures.js";

describe("postgres is the judge of booking correctness", () => {
  let runtime: Runtime;
  let pool: DatabasePool;
  let uow: UnitOfWork;
  beforeAll(async () => {
    runtime = await compose(testConfig(), createLogger("silent"));
    pool = runtime.container.get<DatabasePool>(PG_POOL);
    uow = runtime.container.get<UnitOfWork>(UNIT_OF_WORK);
  });
  afterAll(async () => {
    await runtime.close();
  });

  it("refuses overlapping slots on one weekday as slot_overlap, allows adjacent ones and other days", async () => {
    const { doctorId } = await insertDoctor(pool);
    const plan = {
      day: "monday" as const,
      startMinute: 540,
      appointmentDuration: 15,
      numSlots: 4,
      consultationFee: 0,
    };
    const insert = (p: typeof plan) => uow.run(async ({ slots }) => ok(await slots.insert(doctorId, p)));

    expect((await insert(plan)).ok).toBe(true);
    const overlapping = await insert({ ...plan, startMinute: 570 });
    expect(overlapping).toMatchObject({ ok: false, error: { kind: "conflict", code: "slot_overlap" } });
    expect((await insert({ ...plan, startMinute: 600 })).ok).toBe(true);
    expect((await insert({ ...plan, day: "tuesday" as never, startMinute: 570 })).ok).toBe(true);
  });

  it("never gives a seat twice nor seats a patient twice among live appointments; a cancelled row frees both", async () => {
    const { doctorId } = await insertDoctor(pool);
    const slotId = await insertSlot(pool, doctorId, { day: "friday", startMinute: 600, numSlots: 2 });
    const owner = await insertUser(pool);
    const [p1, p2] = [await insertPatient(pool, owner), await insertPatient(pool, owner)];
    const date = nextWeekday("friday");
    const book = (patientId: number, seat: number, capacity = 2) =>
      uow.run(async ({ appointments }) =>
        ok(await appointments.insert({ patientId, slotId, doctorId, date, seat, capacity })),
      );

    const first = await book(p1, 1);
    expect(first.ok).toBe(true);
    expect(await book(p2, 1)).toMatchObject({ ok: false, error: { code: "sitting_full" } });
    expect(await book(p1, 2)).toMatchObject({ ok: false, error: { code: "already_booked" } });
    expect(await book(p2, 3)).toMatchObject({ ok: false, error: { code: "sitting_full" } });

    if (!first.ok) throw new Error("unreachable");
    await uow.run(async ({ appointments }) => ok(await appointments.setStatus(first.value.id, "cancelled")));
    expect((await book(p2, 1)).ok).toBe(true);
    expect((await book(p1, 2)).ok).toBe(true);
  });

  it("books exactly capacity seats, 1..n, under 40 concurrent requests, and writes one event per booking", async () => {
    const { doctorId } = await insertDoctor(pool);
    const slotId = await insertSlot(pool, doctorId, { day: "wednesday", startMinute: 480, numSlots: 5 });
    // Two patients per account: one account may hold only a few seats of a sitting.
    const owners = await Promise.all(Array.from({ length: 20 }, () => insertUser(pool)));
    const patients = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const owner = owners[i % owners.length] as number;
        return { owner, patientId: await insertPatient(pool, owner) };
      }),
    );
    const date = nextWeekday("wednesday");
    const book = runtime.container.get(BookAppointment);

    const results = await Promise.all(
      patients.map(({ owner, patientId }) =>
        book.execute({ userId: owner, role: "user" }, { slotId, patientId, date }),
      ),
    );
    const booked = results.filter((r) => r.ok);
    expect(booked).toHaveLength(5);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toEqual(
      Array(35).fill("sitting_full"),
    );

    const seats = await pool.anyFirst(sql.type(z.object({ seat: z.number() }))`
      SELECT seat FROM appointments WHERE slot_id = ${slotId} AND status <> 'cancelled' ORDER BY seat
    `);
    expect(seats).toEqual([1, 2, 3, 4, 5]);
    const events = await pool.anyFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM outbox WHERE type = 'AppointmentBooked' AND (payload->>'slotId')::int = ${slotId}
    `);
    expect(events).toEqual([5]);
  });

  it("writes a transaction's events and notifications with it, and neither when it fails", async () => {
    const userId = await insertUser(pool);
    const marker = `appended-${userId}`;
    const event = { type: "PatientRegistered" as const, patientId: userId, userId };
    const counts = async () => ({
      events: await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM outbox WHERE type = 'PatientRegistered' AND (payload->>'userId')::int = ${userId}
      `),
      notices: await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM notifications WHERE user_id = ${userId} AND text LIKE ${`${marker}%`}
      `),
    });
    const notice = (n: number) => ({
      userId,
      kind: "booked" as const,
      text: `${marker} ${n}`,
      appointmentId: null,
    });

    // Appended in two calls each, written together at commit.
    const done = await uow.run(async ({ outbox, notifications }) => {
      await outbox.append([event]);
      await notifications.notify(notice(1));
      await outbox.append([event]);
      await notifications.notify(notice(2));
      return ok(true);
    });
    expect(done.ok).toBe(true);
    expect(await counts()).toEqual({ events: 2, notices: 2 });

    // A failed result rolls back what was appended.
    const refused = await uow.run(async ({ outbox, notifications }) => {
      await outbox.append([event]);
      await notifications.notify(notice(3));
      return err(appError("conflict", "test_refusal", "Refused by the test."));
    });
    expect(refused.ok).toBe(false);
    // So does a row the database refuses at commit time (a notification for a user that does not exist).
    await expect(
      uow.run(async ({ outbox, notifications }) => {
        await outbox.append([event]);
        await notifications.notify({ ...notice(4), userId: 2_000_000_000 });
        return ok(true);
      }),
    ).rejects.toThrow();
    expect(await counts()).toEqual({ events: 2, notices: 2 });
  });
});
