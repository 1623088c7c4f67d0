import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ok, type Result } from "../../src/domain/shared/result.js";
import {
  bookSeat,
  cancelSeat,
  closeSitting,
  joinWaitlist,
  leaveWaitlist,
  moveSeatIn,
  moveSeatOut,
  type SittingBook,
} from "../../src/domain/sitting/sitting-book.js";
import type { Slot } from "../../src/domain/slot/slot.js";
import { DEFAULT_LIMITS } from "../../src/domain/user/limits.js";
import type { TransactionScope, UnitOfWork } from "../../src/ports/unit-of-work.js";

// A Monday far ahead: its sitting (09:00 in Karachi) has not started at NOW.
const DATE = "2030-01-07";
const NEXT_DATE = "2030-01-14";
const NOW = new Date("2029-12-01T00:00:00Z");
const ZONE = "Asia/Karachi";

interface Scene {
  readonly slot: Slot;
  /** Three patients of three accounts. */
  readonly patients: readonly { readonly id: number; readonly userId: number }[];
}

async function buildScene(uow: UnitOfWork): Promise<Scene> {
  const made = await uow.run(async (scope) => {
    const user = (role: "user" | "doctor") =>
      scope.users.add({ name: "Book", email: `book-${randomUUID()}@example.test`, role, passwordHash: "x" });
    const doctor = await scope.doctors.insert({
      userId: (await user("doctor")).id,
      description: "",
      timeZone: ZONE,
    });
    const slot = await scope.slots.insert(doctor.id, {
      day: "monday",
      startMinute: 540,
      appointmentDuration: 15,
      numSlots: 2,
      consultationFee: 0,
    });
    const patients = [];
    for (let i = 0; i < 3; i++) {
      const owner = await user("user");
      const p = await scope.patients.insert(owner.id, {
        name: "P",
        age: 30,
        gender: "other",
        symptoms: null,
      });
      patients.push({ id: p.id, userId: owner.id });
    }
    return ok({ slot, patients });
  });
  if (!made.ok) throw new Error(made.error.code);
  return made.value;
}

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`refused: ${r.error.code}`);
  return r.value;
};

/**
 * The contract of SittingBookRepository, run against the in-memory fake (tests/unit) and Postgres
 * (tests/integration), so that the fake stays honest.
 */
export function sittingBookRepositoryContract(name: string, makeUow: () => UnitOfWork) {
  describe(`${name} sitting book repository`, () => {
    const inSitting = async <T>(
      uow: UnitOfWork,
      slot: Slot,
      work: (scope: TransactionScope, book: SittingBook) => Promise<T>,
    ): Promise<T> =>
      value(
        await uow.run(async (scope) =>
          ok(await work(scope, await scope.sittings.lockAndLoad(slot, ZONE, DATE))),
        ),
      );
    const load = (uow: UnitOfWork, slot: Slot) => inSitting(uow, slot, async (_, book) => book);
    const decideAndSave = (
      uow: UnitOfWork,
      slot: Slot,
      decide: (book: SittingBook, scope: TransactionScope) => Promise<{ book: SittingBook }>,
    ) =>
      inSitting(uow, slot, async (scope, before) => {
        const { book: after } = await decide(before, scope);
        return { after, saved: await scope.sittings.save(before, after) };
      });
    const book = (uow: UnitOfWork, slot: Slot, p: { id: number; userId: number }) =>
      decideAndSave(uow, slot, async (b, scope) =>
        value(
          bookSeat(
            b,
            { patientId: p.id, ownerUserId: p.userId, newId: await scope.sittings.newAppointmentId() },
            NOW,
            DEFAULT_LIMITS,
          ),
        ),
      );

    it("loads a sitting nobody booked as empty and open, with its times", async () => {
      const uow = makeUow();
      const { slot } = await buildScene(uow);
      const loaded = await load(uow, slot);
      expect(loaded).toMatchObject({ doctorId: slot.doctorId, seats: [], waiting: [], closedReason: null });
      expect(loaded.sitting).toMatchObject({ date: DATE, startsAt: new Date("2030-01-07T04:00:00Z") });
    });

    it("stores a new seat with its id and creation time, and loads it again", async () => {
      const uow = makeUow();
      const { slot, patients } = await buildScene(uow);
      const [p] = patients as [Scene["patients"][0]];
      const { after, saved } = await book(uow, slot, p);
      const id = after.seats[0]?.appointmentId ?? 0;
      expect(saved.createdAt.get(id)).toBeInstanceOf(Date);
      expect((await load(uow, slot)).seats).toEqual([
        { appointmentId: id, seat: 1, patientId: p.id, ownerUserId: p.userId, status: "booked" },
      ]);
    });

    it("loads a book with its booking account: the owned patient and the account's live appointments", async () => {
      const uow = makeUow();
      const { slot, patients } = await buildScene(uow);
      const [p1, p2] = patients as [Scene["patients"][0], Scene["patients"][0]];
      await book(uow, slot, p1);
      const withAccount = (patient: { id: number }, userId: number) =>
        uow.run(async ({ sittings }) => {
          const loaded = await sittings.lockAndLoadWithAccount(
            slot,
            ZONE,
            DATE,
            { appointmentId: true },
            { userId, patientId: patient.id, now: NOW },
          );
          return ok({ ...loaded, newId: await sittings.newAppointmentId() });
        });
      const own = value(await withAccount(p1, p1.userId));
      expect(own.account).toEqual({
        patient: { id: p1.id, userId: p1.userId, name: "P", age: 30, gender: "other", symptoms: null },
        liveAppointments: 1,
      });
      expect(own.book).toEqual(await load(uow, slot));
      expect(own.newId).toBeGreaterThan(own.book.seats[0]?.appointmentId ?? 0);
      // Another account's patient is not found; a deleted one neither.
      expect(value(await withAccount(p2, p1.userId)).account).toEqual({ patient: null, liveAppointments: 1 });
      value(await uow.run(async ({ patients: repo }) => ok(await repo.erase(p2.id))));
      expect(value(await withAccount(p2, p2.userId)).account).toEqual({ patient: null, liveAppointments: 0 });
    });

    it("stores waiting entries in the order they joined, and where each waits", async () => {
      const uow = makeUow();
      const { slot, patients } = await buildScene(uow);
      const [p1, p2, p3] = patients as [Scene["patients"][0], Scene["patients"][0], Scene["patients"][0]];
      await book(uow, slot, p1);
      await book(uow, slot, p2);
      const { after } = await decideAndSave(uow, slot, async (b, scope) =>
        value(
          joinWaitlist(
            b,
            { patientId: p3.id, ownerUserId: p3.userId, newId: await scope.sittings.newWaitingEntryId() },
            NOW,
            DEFAULT_LIMITS,
          ),
        ),
      );
      const entry = after.waiting[0];
      expect((await load(uow, slot)).waiting).toEqual([
        { id: entry?.id, patientId: p3.id, ownerUserId: p3.userId },
      ]);
      const place = await uow.run(async ({ sittings }) => ok(await sittings.placeOfEntry(entry?.id ?? 0)));
      expect(place).toEqual({ ok: true, value: { slotId: slot.id, date: DATE } });
    });

    it("stores a cancel that hands the seat over: the seat freed, the entry seated", async () => {
      const uow = makeUow();
      const { slot, patients } = await buildScene(uow);
      const [p1, p2, p3] = patients as [Scene["patients"][0], Scene["patients"][0], Scene["patients"][0]];
      const first = (await book(uow, slot, p1)).after.seats[0]?.appointmentId ?? 0;
      await book(uow, slot, p2);
      await decideAndSave(uow, slot, async (b, scope) =>
        value(
          joinWaitlist(
            b,
            { patientId: p3.id, ownerUserId: p3.userId, newId: await scope.sittings.newWaitingEntryId() },
            NOW,
            DEFAULT_LIMITS,
          ),
        ),
      );
      const { after } = await decideAndSave(uow, slot, async (b, scope) =>
        value(
          cancelSeat(
            b,
            { appointmentId: first, by: "patient" },
            NOW,
            await scope.sittings.newAppointmentId(),
          ),
        ),
      );
      const reloaded = await load(uow, slot);
      expect(reloaded.seats).toEqual([...after.seats].sort((a, b) => a.seat - b.seat));
      expect(reloaded.seats.map((s) => [s.seat, s.patientId])).toEqual([
        [1, p3.id],
        [2, p2.id],
      ]);
      expect(reloaded.waiting).toEqual([]);
    });

    it("stores a close: seats cancelled by the doctor with the reason, entries ended", async () => {
      const uow = makeUow();
      const { slot, patients } = await buildScene(uow);
      const [p1, p2, p3] = patients as [Scene["patients"][0], Scene["patients"][0], Scene["patients"][0]];
      await book(uow, slot, p1);
      await book(uow, slot, p2);
      await decideAndSave(uow, slot, async (b, scope) =>
        value(
          joinWaitlist(
            b,
            { patientId: p3.id, ownerUserId: p3.userId, newId: await scope.sittings.newWaitingEntryId() },
            NOW,
            DEFAULT_LIMITS,
          ),
        ),
      );
      const { after } = await decideAndSave(uow, slot, async (b) => value(closeSitting(b, NOW, "flood")));
      expect(after.cancelled.map((c) => [c.by, c.reason])).toEqual([
        ["doctor", "flood"],
        ["doctor", "flood"],
      ]);
      // Nothing keeps it closed but a time off or a retirement, which the command writes beside it.
      expect(await load(uow, slot)).toMatchObject({ seats: [], waiting: [], closedReason: null });
    });

    it("loads a sitting closed by its doctor's time off, or by its slot's retirement", async () => {
      const uow = makeUow();
      const { slot } = await buildScene(uow);
      value(
        await uow.run(async (scope) =>
          ok(await scope.timeOff.add(slot.doctorId, { from: DATE, to: DATE, reason: null })),
        ),
      );
      expect((await load(uow, slot)).closedReason).toBe("doctor unavailable");
      value(await uow.run(async (scope) => ok(await scope.slots.retire(slot.id, DATE))));
      expect((await load(uow, slot)).closedReason).toBe("slot retired");
    });

    it("lists where a patient holds a booked seat or waits, each sitting once, in (slot id, date) order", async () => {
      const uow = makeUow();
      const { slot, patients } = await buildScene(uow);
      const [p1, p2, p3] = patients as [Scene["patients"][0], Scene["patients"][0], Scene["patients"][0]];
      const placesOf = async (patientId: number) =>
        value(await uow.run(async ({ sittings }) => ok(await sittings.placesOfPatient(patientId, NOW))));
      const inNext = (decide: (b: SittingBook, scope: TransactionScope) => Promise<{ book: SittingBook }>) =>
        uow.run(async (scope) => {
          const before = await scope.sittings.lockAndLoad(slot, ZONE, NEXT_DATE);
          await scope.sittings.save(before, (await decide(before, scope)).book);
          return ok(true);
        });
      const place = (p: { id: number; userId: number }, id: number) => ({
        patientId: p.id,
        ownerUserId: p.userId,
        newId: id,
      });
      // p1 holds a seat on DATE and waits for the full sitting of NEXT_DATE; p2's seat on DATE is cancelled.
      await book(uow, slot, p1);
      const p2Seat = (await book(uow, slot, p2)).after.seats.find((s) => s.patientId === p2.id);
      for (const p of [p2, p3]) {
        await inNext(async (b, scope) =>
          value(bookSeat(b, place(p, await scope.sittings.newAppointmentId()), NOW, DEFAULT_LIMITS)),
        );
      }
      await inNext(async (b, scope) =>
        value(joinWaitlist(b, place(p1, await scope.sittings.newWaitingEntryId()), NOW, DEFAULT_LIMITS)),
      );
      await decideAndSave(uow, slot, async (b, scope) =>
        value(
          cancelSeat(
            b,
            { appointmentId: p2Seat?.appointmentId ?? 0, by: "patient" },
            NOW,
            await scope.sittings.newAppointmentId(),
          ),
        ),
      );
      expect(await placesOf(p1.id)).toEqual([
        { slotId: slot.id, date: DATE },
        { slotId: slot.id, date: NEXT_DATE },
      ]);
      expect(await placesOf(p2.id)).toEqual([{ slotId: slot.id, date: NEXT_DATE }]);
      // Long after the sittings ended, booked seats are no longer listed; the entry still waiting is.
      const later = new Date("2030-02-01T00:00:00Z");
      expect(
        value(await uow.run(async ({ sittings }) => ok(await sittings.placesOfPatient(p1.id, later)))),
      ).toEqual([{ slotId: slot.id, date: NEXT_DATE }]);
    });

    it("erases a patient: its owner finds it no more, nor counts it, nor can change it", async () => {
      const uow = makeUow();
      const { patients } = await buildScene(uow);
      const [p1] = patients as [Scene["patients"][0]];
      const seen = value(
        await uow.run(async ({ patients: repo, usage }) => {
          const changed = await repo.updateOwned(p1.id, p1.userId, { name: "Renamed", symptoms: "cough" });
          const count = await usage.patients(p1.userId);
          await repo.erase(p1.id);
          return ok({
            changed,
            count,
            after: await repo.findOwned(p1.id, p1.userId),
            countAfter: await usage.patients(p1.userId),
            changedAfter: await repo.updateOwned(p1.id, p1.userId, { age: 1 }),
          });
        }),
      );
      expect(seen).toEqual({
        changed: {
          id: p1.id,
          userId: p1.userId,
          name: "Renamed",
          age: 30,
          gender: "other",
          symptoms: "cough",
        },
        count: 1,
        after: null,
        countAfter: 0,
        changedAfter: null,
      });
    });

    it("stores a move: the appointment keeps its id in the new sitting, its old seat handed on", async () => {
      const uow = makeUow();
      const { slot, patients } = await buildScene(uow);
      const [p1, p2, p3] = patients as [Scene["patients"][0], Scene["patients"][0], Scene["patients"][0]];
      const id = (await book(uow, slot, p1)).after.seats[0]?.appointmentId ?? 0;
      await book(uow, slot, p2);
      await decideAndSave(uow, slot, async (b, scope) =>
        value(
          joinWaitlist(
            b,
            { patientId: p3.id, ownerUserId: p3.userId, newId: await scope.sittings.newWaitingEntryId() },
            NOW,
            DEFAULT_LIMITS,
          ),
        ),
      );
      const NEXT = "2030-01-14";
      value(
        await uow.run(async ({ sittings }) => {
          const [source, target] = [
            await sittings.lockAndLoad(slot, ZONE, DATE),
            await sittings.lockAndLoad(slot, ZONE, NEXT),
          ];
          const moved = value(
            moveSeatIn(
              target,
              { appointmentId: id, patientId: p1.id, ownerUserId: p1.userId },
              { slotId: slot.id, date: DATE, seat: 1 },
              NOW,
              DEFAULT_LIMITS,
            ),
          );
          const left = value(moveSeatOut(source, id, NOW, await sittings.newAppointmentId()));
          await sittings.save(target, moved.book);
          await sittings.save(source, left.book);
          return ok(null);
        }),
      );
      const there = await uow.run(async ({ sittings }) => ok(await sittings.lockAndLoad(slot, ZONE, NEXT)));
      expect(value(there).seats).toEqual([
        { appointmentId: id, seat: 1, patientId: p1.id, ownerUserId: p1.userId, status: "booked" },
      ]);
      const here = await load(uow, slot);
      expect(here.seats.map((s) => [s.seat, s.patientId])).toEqual([
        [1, p3.id],
        [2, p2.id],
      ]);
      expect(here.waiting).toEqual([]);
    });

    it("stores a left entry: it waits no more", async () => {
      const uow = makeUow();
      const { slot, patients } = await buildScene(uow);
      const [p1, p2, p3] = patients as [Scene["patients"][0], Scene["patients"][0], Scene["patients"][0]];
      await book(uow, slot, p1);
      await book(uow, slot, p2);
      const joined = await decideAndSave(uow, slot, async (b, scope) =>
        value(
          joinWaitlist(
            b,
            { patientId: p3.id, ownerUserId: p3.userId, newId: await scope.sittings.newWaitingEntryId() },
            NOW,
            DEFAULT_LIMITS,
          ),
        ),
      );
      await decideAndSave(uow, slot, async (b) =>
        value(leaveWaitlist(b, joined.after.waiting[0]?.id ?? 0, p3.userId)),
      );
      expect((await load(uow, slot)).waiting).toEqual([]);
    });
  });
}
