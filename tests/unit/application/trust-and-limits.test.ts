import { beforeEach, describe, expect, it } from "vitest";
import { BookAppointment } from "../../../src/application/commands/booking/book-appointment.js";
import { CancelAppointment } from "../../../src/application/commands/booking/cancel-appointment.js";
import { JoinWaitlist } from "../../../src/application/commands/booking/waitlist.js";
import { ChangeDoctorVerification } from "../../../src/application/commands/doctors/change-doctor-verification.js";
import { RegisterPatient } from "../../../src/application/commands/patients/register-patient.js";
import { AddSlot } from "../../../src/application/commands/schedule/add-slot.js";
import { RateAppointment } from "../../../src/application/commands/visits/rate-appointment.js";
import type { Result } from "../../../src/domain/shared/result.js";
import { DEFAULT_LIMITS, type Limits } from "../../../src/domain/user/limits.js";
import type { Principal } from "../../../src/domain/user/principal.js";
import { FakeUnitOfWork, FixedClock } from "../../support/fakes/unit-of-work.js";

// Mondays; "now" is the Friday before the first. Sittings are 09:00–09:50 UTC.
const [DAY, NEXT, LATER] = ["2026-12-07", "2026-12-14", "2026-12-21"];
const NOW = new Date("2026-12-04T10:00:00Z");
const doctor: Principal = { userId: 100, role: "doctor" };
const admin: Principal = { userId: 1, role: "admin" };
const alice: Principal = { userId: 2, role: "user" };
const bob: Principal = { userId: 3, role: "user" };

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.detail}`);
  return r.value;
};

describe("trust and limits (in-memory unit of work)", () => {
  let uow: FakeUnitOfWork;
  let clock: FixedClock;
  let doctorId: number;
  let slotId: number;
  let verification: ChangeDoctorVerification;

  beforeEach(async () => {
    uow = new FakeUnitOfWork();
    clock = new FixedClock(NOW);
    verification = new ChangeDoctorVerification(uow, clock);
    doctorId = value(
      await uow.run(async ({ doctors }) => ({
        ok: true,
        value: (await doctors.insert({ userId: doctor.userId, description: "", timeZone: "UTC" })).id,
      })),
    );
    slotId = value(await addSlot("09:00", 5)).id;
  });

  const addSlot = (start: string, numSlots: number, limits = DEFAULT_LIMITS) =>
    new AddSlot(uow, limits).execute(doctor.userId, {
      day: "monday",
      start,
      appointmentDuration: 10,
      numSlots,
      consultationFee: 0,
    });
  const patientOf = async (p: Principal) =>
    value(
      await new RegisterPatient(uow).execute(p.userId, {
        name: "P",
        age: 9,
        gender: "other",
        symptoms: null,
      }),
    ).id;
  const booker = (limits: Limits = DEFAULT_LIMITS) => new BookAppointment(uow, clock, 60, limits);
  const book = (p: Principal, patientId: number, date?: string, slot = slotId, limits = DEFAULT_LIMITS) =>
    booker(limits).execute(p, { slotId: slot, patientId, date });
  const join = (p: Principal, patientId: number, date: string, slot = slotId, limits = DEFAULT_LIMITS) =>
    new JoinWaitlist(uow, clock, 60, limits).execute(p, { slotId: slot, patientId, date });
  const verify = () => verification.execute(admin, doctorId, "verify");

  describe("verified doctors", () => {
    it("answers an unverified doctor's slot as missing, for booking and for waiting, until an admin verifies it", async () => {
      const p = await patientOf(alice);
      expect(await book(alice, p, DAY)).toMatchObject({ ok: false, error: { code: "slot_not_found" } });
      expect(await join(alice, p, DAY)).toMatchObject({ ok: false, error: { code: "slot_not_found" } });

      expect(await verification.execute(alice, doctorId, "verify")).toMatchObject({
        ok: false,
        error: { kind: "forbidden" },
      });
      expect(await verification.execute(admin, 999, "verify")).toMatchObject({
        ok: false,
        error: { kind: "not_found" },
      });
      expect(value(await verify())).toEqual({ doctorId });
      expect(uow.state.outbox.filter((e) => e.type === "DoctorVerified")).toHaveLength(1);
      value(await verify());
      expect(uow.state.outbox.filter((e) => e.type === "DoctorVerified")).toHaveLength(1);
      expect((await book(alice, p, DAY)).ok).toBe(true);
    });

    it("hides a suspended doctor again and tells the owners of its live appointments, which stay", async () => {
      value(await verify());
      const [a1, a2, b1] = [await patientOf(alice), await patientOf(alice), await patientOf(bob)];
      const past = value(await book(alice, a1, DAY)).appointmentId;
      const kept = value(await book(alice, a2, NEXT)).appointmentId;
      const cancelled = value(await book(bob, b1, NEXT)).appointmentId;
      value(await new CancelAppointment(uow, clock).execute(bob, cancelled));
      // The sitting of DAY is over by now: its appointment is not live.
      clock.current = new Date(`${DAY}T12:00:00Z`);
      const before = uow.state.notifications.length;

      value(await verification.execute(admin, doctorId, "suspend"));
      expect(uow.state.outbox.at(-1)).toEqual({ type: "DoctorSuspended", doctorId });
      expect(uow.state.notifications.slice(before)).toEqual([
        expect.objectContaining({ userId: alice.userId, kind: "doctor_suspended", appointmentId: kept }),
      ]);
      expect(uow.state.appointments.find((a) => a.id === kept)?.status).toBe("booked");
      expect(uow.state.appointments.find((a) => a.id === past)?.status).toBe("booked");
      expect(await book(alice, a1, LATER)).toMatchObject({ ok: false, error: { code: "slot_not_found" } });
      // Suspending again tells nobody again.
      value(await verification.execute(admin, doctorId, "suspend"));
      expect(uow.state.notifications.slice(before)).toHaveLength(1);
    });
  });

  describe("no self-dealing", () => {
    it("refuses the doctor booking, waiting for or rating its own slot for a patient of its own", async () => {
      value(await verify());
      const own = await patientOf(doctor);
      expect(await book(doctor, own, DAY)).toMatchObject({
        ok: false,
        error: { kind: "forbidden", code: "own_slot" },
      });
      expect(await join(doctor, own, DAY)).toMatchObject({ ok: false, error: { code: "own_slot" } });
      // A visit from before the rule: the doctor's own patient in its own slot, fulfilled.
      uow.state.appointments.push({
        id: 500,
        patientId: own,
        slotId,
        doctorId,
        date: DAY,
        seat: 1,
        capacity: 5,
        status: "fulfilled",
      });
      expect(await new RateAppointment(uow).execute(doctor, 500, { rating: 5, review: null })).toMatchObject({
        ok: false,
        error: { code: "own_slot" },
      });
      expect(uow.state.ratings).toEqual([]);
    });
  });

  describe("caps", () => {
    beforeEach(async () => {
      value(await verify());
    });

    it("refuses a patient past the account's limit", async () => {
      const register = new RegisterPatient(uow, { ...DEFAULT_LIMITS, patientsPerAccount: 2 });
      const input = { name: "P", age: 9, gender: "other" as const, symptoms: null };
      value(await register.execute(alice.userId, input));
      value(await register.execute(alice.userId, input));
      expect(await register.execute(alice.userId, input)).toMatchObject({
        ok: false,
        error: { code: "limit_reached", detail: "Limit reached: at most 2 patients per account." },
      });
      expect((await register.execute(bob.userId, input)).ok).toBe(true);
    });

    it("counts live appointments only: cancelled ones and sittings that have ended make room", async () => {
      const limits = { ...DEFAULT_LIMITS, liveAppointmentsPerAccount: 2 };
      const p = await patientOf(alice);
      const first = value(await book(alice, p, DAY, slotId, limits)).appointmentId;
      value(await book(alice, p, NEXT, slotId, limits));
      const third = await book(alice, p, LATER, slotId, limits);
      expect(third).toMatchObject({ ok: false, error: { code: "limit_reached" } });
      expect(!third.ok && third.error.detail).toMatch(/at most 2 live appointments/);

      value(await new CancelAppointment(uow, clock).execute(alice, first));
      value(await book(alice, p, DAY, slotId, limits));
      expect((await book(alice, p, LATER, slotId, limits)).ok).toBe(false);
      clock.current = new Date(`${DAY}T09:50:00Z`); // the sitting of DAY has just ended
      expect((await book(alice, p, LATER, slotId, limits)).ok).toBe(true);
    });

    it("gives one account at most its share of a sitting; without a date it books the next sitting instead", async () => {
      const limits = { ...DEFAULT_LIMITS, seatsPerSittingPerAccount: 2 };
      const [p1, p2, p3] = [await patientOf(alice), await patientOf(alice), await patientOf(alice)];
      value(await book(alice, p1, DAY, slotId, limits));
      value(await book(alice, p2, DAY, slotId, limits));
      const third = await book(alice, p3, DAY, slotId, limits);
      expect(third).toMatchObject({ ok: false, error: { code: "limit_reached" } });
      expect((await book(bob, await patientOf(bob), DAY, slotId, limits)).ok).toBe(true);
      const undated = value(await book(alice, p3, undefined, slotId, limits));
      expect(undated.appointment?.date).toBe(NEXT);
    });

    it("counts waiting entries, and a waiting entry as the seat it may become", async () => {
      const tiny = value(await addSlot("12:00", 2)).id;
      const [a1, a2, a3] = [await patientOf(alice), await patientOf(alice), await patientOf(alice)];
      value(await book(alice, a1, DAY, tiny));
      value(await book(bob, await patientOf(bob), DAY, tiny));
      const seats2 = { ...DEFAULT_LIMITS, seatsPerSittingPerAccount: 2 };
      value(await join(alice, a2, DAY, tiny, seats2));
      expect(await join(alice, a3, DAY, tiny, seats2)).toMatchObject({
        ok: false,
        error: { code: "limit_reached" },
      });

      value(await book(bob, await patientOf(bob), NEXT, tiny));
      value(await book(bob, await patientOf(bob), NEXT, tiny));
      const waiting1 = { ...DEFAULT_LIMITS, waitingEntriesPerAccount: 1 };
      const second = await join(alice, a3, NEXT, tiny, waiting1);
      expect(second).toMatchObject({ ok: false, error: { code: "limit_reached" } });
      expect(!second.ok && second.error.detail).toMatch(/at most 1 waiting entries/);
    });

    it("never fails a cancel because the seat it hands over takes the next in line past a cap", async () => {
      const tiny = value(await addSlot("12:00", 1)).id;
      const [a1, a2] = [await patientOf(alice), await patientOf(alice)];
      const held = value(await book(bob, await patientOf(bob), DAY, tiny)).appointmentId;
      value(await join(alice, a2, DAY, tiny));
      const oneLive = { ...DEFAULT_LIMITS, liveAppointmentsPerAccount: 1 };
      value(await book(alice, a1, NEXT, slotId, oneLive));

      value(await new CancelAppointment(uow, clock).execute(bob, held));
      const live = uow.state.appointments.filter(
        (a) => a.status === "booked" && [a1, a2].includes(a.patientId),
      );
      expect(live.map((a) => a.patientId).sort()).toEqual([a1, a2].sort());
      expect(uow.state.notifications.at(-1)).toMatchObject({
        userId: alice.userId,
        kind: "moved_from_waitlist",
      });
    });

    it("refuses a doctor's slot past its limit", async () => {
      const limits = { ...DEFAULT_LIMITS, slotsPerDoctor: 2 };
      value(await addSlot("15:00", 1, limits));
      expect(await addSlot("16:00", 1, limits)).toMatchObject({
        ok: false,
        error: { code: "limit_reached", detail: "Limit reached: at most 2 slots per doctor." },
      });
    });
  });
});
