import { randomUUID } from "node:crypto";
import type { DatabasePool } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { PgUnitOfWork } from "../../../src/adapters/postgres/unit-of-work.pg.js";
import { ok } from "../../../src/domain/shared/result.js";
import type { UnitOfWork } from "../../../src/ports/unit-of-work.js";
import { TEST_DATABASE_URL } from "../../support/env.js";
import { FakeUnitOfWork } from "../../support/fakes/unit-of-work.js";

// Mondays. The sitting is 09:00–10:00 in Karachi (UTC+5): it ends at 05:00Z, not 10:00Z.
const [PAST, DAY, NEXT, LATER] = ["2029-12-31", "2030-01-07", "2030-01-14", "2030-01-21"];
const JUST_BEFORE_END = new Date(`${DAY}T04:59:59Z`);
const AT_END = new Date(`${DAY}T05:00:00Z`);

interface Scene {
  readonly owner: number;
  readonly other: number;
  readonly doctorId: number;
  readonly slotId: number;
  /** Appointments by name: the owner's p1/p2 live on DAY, p3 cancelled, p1 on NEXT; the other's q. */
  readonly ids: Record<"p1Day" | "p2Day" | "p1Next" | "qDay", number>;
}

/** Builds the same appointments through either unit of work, using only the repositories of a scope. */
async function buildScene(uow: UnitOfWork): Promise<Scene> {
  const made = await uow.run(async (scope) => {
    const user = (role: "user" | "doctor") =>
      scope.users.add({
        name: "Usage",
        email: `usage-${randomUUID()}@example.test`,
        role,
        passwordHash: "x",
      });
    const [owner, other, doctorUser] = [await user("user"), await user("user"), await user("doctor")];
    const doctor = await scope.doctors.insert({
      userId: doctorUser.id,
      description: "",
      timeZone: "Asia/Karachi",
    });
    const slot = await scope.slots.insert(doctor.id, {
      day: "monday",
      startMinute: 540,
      appointmentDuration: 15,
      numSlots: 4,
      consultationFee: 0,
    });
    const patient = (userId: number) =>
      scope.patients.insert(userId, { name: "P", age: 30, gender: "other", symptoms: null });
    const [p1, p2, p3, q] = [
      await patient(owner.id),
      await patient(owner.id),
      await patient(owner.id),
      await patient(other.id),
    ];
    const book = async (patientId: number, date: string, seat: number) =>
      (
        await scope.appointments.insert({
          patientId,
          slotId: slot.id,
          doctorId: doctor.id,
          date,
          seat,
          capacity: 4,
        })
      ).id;
    const p1Day = await book(p1.id, DAY, 1);
    const p2Day = await book(p2.id, DAY, 2);
    await scope.appointments.setStatus(p2Day, "arrived");
    await scope.appointments.setStatus(await book(p3.id, DAY, 3), "cancelled");
    const qDay = await book(q.id, DAY, 4);
    const p1Next = await book(p1.id, NEXT, 1);
    await scope.appointments.setStatus(await book(p2.id, PAST, 1), "fulfilled");
    await scope.waitlist.add({ slotId: slot.id, date: DAY, patientId: p3.id });
    const left = await scope.waitlist.add({ slotId: slot.id, date: NEXT, patientId: p2.id });
    await scope.waitlist.markLeft(left.id);
    await scope.waitlist.add({ slotId: slot.id, date: LATER, patientId: p1.id });
    return ok({
      owner: owner.id,
      other: other.id,
      doctorId: doctor.id,
      slotId: slot.id,
      ids: { p1Day, p2Day, p1Next, qDay },
    });
  });
  if (!made.ok) throw new Error(made.error.detail);
  return made.value;
}

/** One contract for what the caps count, run against the fake and the Postgres unit of work. */
function usageContract(name: string, make: () => UnitOfWork) {
  describe(`${name}: what the caps count`, () => {
    let uow: UnitOfWork;
    let scene: Scene;
    beforeAll(async () => {
      uow = make();
      scene = await buildScene(uow);
    });
    const read = <T>(work: Parameters<UnitOfWork["run"]>[0]) =>
      uow.run(work).then((r) => (r.ok ? (r.value as T) : Promise.reject(new Error(r.error.detail))));

    it("counts an account's patients, and its booked or arrived appointments until their sitting ends in the doctor's zone", async () => {
      const counts = (now: Date) =>
        read<{ patients: number; live: number; waiting: number; otherLive: number }>(async ({ usage }) =>
          ok({
            patients: await usage.patients(scene.owner),
            live: await usage.liveAppointments(scene.owner, now),
            waiting: await usage.waitingEntries(scene.owner, now),
            otherLive: await usage.liveAppointments(scene.other, now),
          }),
        );
      // Cancelled, fulfilled and left ones never count; the sitting of DAY ends at 05:00Z.
      expect(await counts(JUST_BEFORE_END)).toEqual({ patients: 3, live: 3, waiting: 2, otherLive: 1 });
      expect(await counts(AT_END)).toEqual({ patients: 3, live: 1, waiting: 1, otherLive: 0 });
    });

    it("lists a doctor's live appointments with their owners, and the owners of a sitting's seats", async () => {
      const { ids, owner, other } = scene;
      const live = (now: Date) =>
        read<{ id: number; ownerUserId: number }[]>(async ({ appointments }) =>
          ok(
            (await appointments.liveOfDoctor(scene.doctorId, now)).map((a) => ({
              id: a.id,
              ownerUserId: a.ownerUserId,
            })),
          ),
        );
      expect(await live(JUST_BEFORE_END)).toEqual([
        { id: ids.p1Day, ownerUserId: owner },
        { id: ids.p2Day, ownerUserId: owner },
        { id: ids.qDay, ownerUserId: other },
        { id: ids.p1Next, ownerUserId: owner },
      ]);
      expect(await live(AT_END)).toEqual([{ id: ids.p1Next, ownerUserId: owner }]);
      const held = await read<{ seat: number; ownerUserId: number }[]>(async ({ appointments }) =>
        ok(
          (await appointments.heldSeats(scene.slotId, DAY)).map((h) => ({
            seat: h.seat,
            ownerUserId: h.ownerUserId,
          })),
        ),
      );
      expect(held.sort((a, b) => a.seat - b.seat)).toEqual([
        { seat: 1, ownerUserId: owner },
        { seat: 2, ownerUserId: owner },
        { seat: 4, ownerUserId: other },
      ]);
    });
  });
}

usageContract("in-memory", () => new FakeUnitOfWork());

let pool: DatabasePool;
beforeAll(async () => {
  pool = await createPgPool({ databaseUrl: TEST_DATABASE_URL, maximumPoolSize: 4 });
});
afterAll(async () => {
  await pool?.end();
});
usageContract("postgres", () => new PgUnitOfWork(pool));
