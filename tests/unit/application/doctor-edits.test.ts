import { beforeEach, describe, expect, it } from "vitest";
import { BookAppointment } from "../../../src/application/commands/booking/book-appointment.js";
import { CancelAppointment } from "../../../src/application/commands/booking/cancel-appointment.js";
import { JoinWaitlist } from "../../../src/application/commands/booking/waitlist.js";
import { AddSpecializations } from "../../../src/application/commands/doctors/add-specializations.js";
import { ChangeDoctorProfile } from "../../../src/application/commands/doctors/change-doctor-profile.js";
import {
  RemoveQualification,
  RemoveSpecialization,
} from "../../../src/application/commands/doctors/remove-from-profile.js";
import { RegisterPatient } from "../../../src/application/commands/patients/register-patient.js";
import { AddSlot } from "../../../src/application/commands/schedule/add-slot.js";
import { ChangeSlot } from "../../../src/application/commands/schedule/change-slot.js";
import type { Result } from "../../../src/domain/shared/result.js";
import type { Principal } from "../../../src/domain/user/principal.js";
import { bookableDoctor } from "../../support/fakes/scenes.js";
import { FakeUnitOfWork, FixedClock, fakeCatalog } from "../../support/fakes/unit-of-work.js";

// Monday 2026-12-07 09:00 in Karachi is 04:00Z; "now" is the Friday before.
const NOW = new Date("2026-12-04T10:00:00Z");
const MONDAY = "2026-12-07";
const NEXT_MONDAY = "2026-12-14";
const doctorUser = 100;
const codeOf = <T>(r: Result<T>) => (r.ok ? "ok" : r.error.code);

describe("doctors' edits (in-memory unit of work)", () => {
  let uow: FakeUnitOfWork;
  let clock: FixedClock;
  let doctorId: number;
  let slotId: number;
  let changeSlot: ChangeSlot;
  let userSeq: number;

  beforeEach(async () => {
    uow = new FakeUnitOfWork();
    clock = new FixedClock(NOW);
    userSeq = 500;
    ({ doctorId, slotId } = await bookableDoctor(uow, clock, {
      userId: doctorUser,
      timeZone: "Asia/Karachi",
      description: "GP",
      numSlots: 2,
    }));
    changeSlot = new ChangeSlot(uow, clock, 60);
  });

  /** A patient of an account of its own. */
  const newPatient = async () => {
    const userId = userSeq++;
    const p = await new RegisterPatient(uow).execute(userId, {
      name: "P",
      age: 9,
      gender: "other",
      symptoms: null,
    });
    if (!p.ok) throw new Error("no patient");
    return { principal: { userId, role: "user" } as Principal, patientId: p.value.id };
  };
  const bookOn = async (date: string) => {
    const p = await newPatient();
    const booked = await new BookAppointment(uow, clock, 60).execute(p.principal, {
      slotId,
      patientId: p.patientId,
      date,
    });
    return { ...p, booked };
  };
  const wait = async (date: string) => {
    const p = await newPatient();
    const joined = await new JoinWaitlist(uow, clock, 60).execute(p.principal, {
      slotId,
      patientId: p.patientId,
      date,
    });
    if (!joined.ok) throw new Error(joined.error.code);
    return p;
  };
  const live = (date: string) =>
    uow.state.appointments
      .filter((a) => a.slotId === slotId && a.date === date && a.status !== "cancelled")
      .map((a) => [a.patientId, a.seat]);

  describe("ChangeSlot", () => {
    it("changes the fee with a SlotChanged event; another doctor's slot and a retired one are not found", async () => {
      const changed = await changeSlot.execute(doctorUser, slotId, { consultationFee: 900 });
      expect(changed).toMatchObject({ ok: true, value: { id: slotId, consultationFee: 900, numSlots: 2 } });
      expect(uow.state.outbox.at(-1)).toEqual({ type: "SlotChanged", doctorId, slotId });
      await uow.run(async ({ doctors }) => ({
        ok: true,
        value: await doctors.insert({ userId: 101, description: "", timeZone: "UTC" }),
      }));
      expect(codeOf(await changeSlot.execute(101, slotId, { consultationFee: 1 }))).toBe("slot_not_found");
      uow.state.retiredFrom[slotId] = "2026-12-01";
      expect(codeOf(await changeSlot.execute(doctorUser, slotId, { consultationFee: 1 }))).toBe(
        "slot_not_found",
      );
    });

    it("refuses a cut below a seat held in any upcoming sitting, listing them, and changes nothing", async () => {
      for (let i = 0; i < 2; i++) await bookOn(MONDAY);
      await bookOn(NEXT_MONDAY);
      const events = uow.state.outbox.length;
      const cut = await changeSlot.execute(doctorUser, slotId, { numSlots: 1 });
      expect(codeOf(cut)).toBe("seats_held");
      expect(cut.ok ? [] : cut.error.errors).toEqual([
        { path: "num_slots", message: `seat 2 is held on ${MONDAY}` },
      ]);
      expect(uow.state.slots.find((s) => s.id === slotId)?.numSlots).toBe(2);
      expect(uow.state.outbox).toHaveLength(events);
    });

    it("seats waiting entries of every full upcoming sitting on a raise, first joined first, each owner told", async () => {
      for (let i = 0; i < 2; i++) await bookOn(MONDAY);
      for (let i = 0; i < 2; i++) await bookOn(NEXT_MONDAY);
      const [w1, w2, w3] = [await wait(MONDAY), await wait(MONDAY), await wait(NEXT_MONDAY)];
      if (!w1 || !w2 || !w3) throw new Error("no entries");
      const raised = await changeSlot.execute(doctorUser, slotId, { numSlots: 3 });
      expect(raised).toMatchObject({ ok: true, value: { numSlots: 3 } });
      expect(live(MONDAY).slice(2)).toEqual([[w1.patientId, 3]]);
      expect(live(NEXT_MONDAY).slice(2)).toEqual([[w3.patientId, 3]]);
      expect(uow.state.waitlist.map((w) => w.status)).toEqual(["booked", "waiting", "booked"]);
      const moved = uow.state.notifications.filter((n) => n.kind === "moved_from_waitlist");
      expect(moved.map((n) => n.userId)).toEqual([w1.principal.userId, w3.principal.userId]);
      // The new seats were booked at the new capacity.
      expect(uow.state.appointments.filter((a) => a.seat === 3).every((a) => a.capacity === 3)).toBe(true);
    });

    it("lets a booking that comes after a raise use the new seats", async () => {
      for (let i = 0; i < 2; i++) await bookOn(MONDAY);
      expect(codeOf((await bookOn(MONDAY)).booked)).toBe("sitting_full");
      await changeSlot.execute(doctorUser, slotId, { numSlots: 3 });
      expect(codeOf((await bookOn(MONDAY)).booked)).toBe("ok");
      expect(live(MONDAY).map(([, seat]) => seat)).toEqual([1, 2, 3]);
    });

    it("refuses seats past midnight (400) and over another slot (409)", async () => {
      await new AddSlot(uow).execute(doctorUser, {
        day: "monday",
        start: "09:30",
        appointmentDuration: 15,
        numSlots: 2,
        consultationFee: 500,
      });
      expect(codeOf(await changeSlot.execute(doctorUser, slotId, { numSlots: 3 }))).toBe("slot_overlap");
      expect(codeOf(await changeSlot.execute(doctorUser, slotId, { numSlots: 201 }))).toBe("invalid_slot");
      expect(codeOf(await changeSlot.execute(doctorUser, slotId, { consultationFee: -1 }))).toBe(
        "invalid_slot",
      );
    });
  });

  describe("ChangeDoctorProfile", () => {
    it("refuses a new time zone while an appointment is to come, and allows it once cancelled", async () => {
      const change = new ChangeDoctorProfile(uow, clock);
      const { principal, booked } = await bookOn(MONDAY);
      if (!booked.ok) throw new Error("not booked");
      expect(codeOf(await change.execute(doctorUser, { timezone: "Europe/Berlin" }))).toBe(
        "future_appointments",
      );
      expect(codeOf(await change.execute(doctorUser, { timezone: "asia/karachi", description: "x" }))).toBe(
        "ok",
      );
      await new CancelAppointment(uow, clock).execute(principal, booked.value.appointmentId);
      expect(codeOf(await change.execute(doctorUser, { timezone: "Europe/Berlin" }))).toBe("ok");
      expect(uow.state.doctors.find((d) => d.id === doctorId)?.timeZone).toBe("Europe/Berlin");
      expect(uow.state.doctorDescriptions[doctorId]).toBe("x");
      expect(uow.state.outbox.filter((e) => e.type === "DoctorProfileChanged")).toHaveLength(2);
    });

    it("refuses an empty change, an empty name and an unknown zone with 400", async () => {
      const change = new ChangeDoctorProfile(uow, clock);
      expect(codeOf(await change.execute(doctorUser, {}))).toBe("validation_failed");
      const bad = await change.execute(doctorUser, { name: " ", timezone: "Nowhere/Land" });
      expect(bad.ok ? [] : bad.error.errors?.map((e) => e.path)).toEqual(["name", "timezone"]);
    });
  });

  describe("RemoveSpecialization, RemoveQualification", () => {
    it("removes one held by name as adding matches it; 404 when not held or unknown", async () => {
      const catalog = fakeCatalog({ cardiologist: 3, dermatologist: 4 }, { mbbs: 1 });
      await new AddSpecializations(uow, catalog).execute(doctorUser, ["cardiologist"]);
      const remove = new RemoveSpecialization(uow, catalog);
      expect(codeOf(await remove.execute(doctorUser, "  CARDIOLOGIST "))).toBe("ok");
      expect(uow.state.doctorSpecializations).toEqual([]);
      expect(codeOf(await remove.execute(doctorUser, "cardiologist"))).toBe("specialization_not_held");
      expect(codeOf(await remove.execute(doctorUser, "dermatologist"))).toBe("specialization_not_held");
      expect(codeOf(await remove.execute(doctorUser, "astrologer"))).toBe("specialization_not_held");
      expect(codeOf(await new RemoveQualification(uow, catalog).execute(doctorUser, "mbbs"))).toBe(
        "qualification_not_held",
      );
      expect(uow.state.outbox.filter((e) => e.type === "DoctorProfileChanged")).toHaveLength(1);
    });
  });
});
