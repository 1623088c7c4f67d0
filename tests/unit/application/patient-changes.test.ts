import { beforeEach, describe, expect, it } from "vitest";
import { BookAppointment } from "../../../src/application/commands/booking/book-appointment.js";
import { JoinWaitlist } from "../../../src/application/commands/booking/waitlist.js";
import {
  ChangePatient,
  checkPatientChange,
} from "../../../src/application/commands/patients/change-patient.js";
import { DeletePatient } from "../../../src/application/commands/patients/delete-patient.js";
import { RegisterPatient } from "../../../src/application/commands/patients/register-patient.js";
import type { Principal } from "../../../src/domain/user/principal.js";
import { bookableDoctor } from "../../support/fakes/scenes.js";
import { FakeUnitOfWork, FixedClock } from "../../support/fakes/unit-of-work.js";

// Monday 2026-12-07 and 2026-12-14 09:00 UTC; "now" is the Friday before the first.
const NOW = new Date("2026-12-04T10:00:00Z");
const MONDAY = "2026-12-07";
const NEXT_MONDAY = "2026-12-14";
const doctorUser = 100;
const owner: Principal = { userId: 200, role: "user" };
const waiter: Principal = { userId: 300, role: "user" };
const stranger: Principal = { userId: 400, role: "user" };

describe("patients change their data (in-memory unit of work)", () => {
  let uow: FakeUnitOfWork;
  let clock: FixedClock;
  let slotId: number;

  const newPatient = async (userId: number, name = "Sara") => {
    const p = await new RegisterPatient(uow).execute(userId, {
      name,
      age: 30,
      gender: "female",
      symptoms: "fever",
    });
    if (!p.ok) throw new Error(p.error.detail);
    return p.value.id;
  };
  const book = (principal: Principal, patientId: number, date: string) =>
    new BookAppointment(uow, clock, 60).execute(principal, { slotId, patientId, date });
  const seatsOf = (date: string) =>
    uow.state.appointments
      .filter((a) => a.slotId === slotId && a.date === date && a.status !== "cancelled")
      .map((a) => ({ seat: a.seat, patientId: a.patientId }));

  beforeEach(async () => {
    uow = new FakeUnitOfWork();
    clock = new FixedClock(NOW);
    ({ slotId } = await bookableDoctor(uow, clock, { userId: doctorUser, timeZone: "UTC", numSlots: 1 }));
  });

  it("changes only the fields given, clears symptoms with null, and refuses an empty change", async () => {
    const id = await newPatient(owner.userId);
    const change = new ChangePatient(uow);
    expect(await change.execute(owner.userId, id, { age: 31, symptoms: null })).toMatchObject({
      ok: true,
      value: { id, name: "Sara", age: 31, gender: "female", symptoms: null },
    });
    expect(await change.execute(owner.userId, id, {})).toMatchObject({
      ok: false,
      error: { kind: "validation", code: "validation_failed" },
    });
    expect(checkPatientChange({ name: undefined, symptoms: undefined }).ok).toBe(false);
    expect(uow.state.outbox.filter((e) => e.type === "PatientChanged")).toEqual([
      { type: "PatientChanged", patientId: id, userId: owner.userId },
    ]);
  });

  it("answers another account's, an unknown and a deleted patient as not found", async () => {
    const id = await newPatient(owner.userId);
    const change = new ChangePatient(uow);
    const notFound = { ok: false, error: { kind: "not_found", code: "patient_not_found" } };
    expect(await change.execute(stranger.userId, id, { age: 1 })).toMatchObject(notFound);
    expect(await change.execute(owner.userId, 9999, { age: 1 })).toMatchObject(notFound);
    const del = new DeletePatient(uow, clock);
    expect(await del.execute(stranger.userId, id)).toMatchObject(notFound);
    expect(await del.execute(owner.userId, id)).toMatchObject({ ok: true });
    expect(await del.execute(owner.userId, id)).toMatchObject(notFound);
    expect(await change.execute(owner.userId, id, { age: 1 })).toMatchObject(notFound);
    expect(await book(owner, id, MONDAY)).toMatchObject(notFound);
  });

  it("cancels the patient's seats, hands them to the first waiting, ends its waiting and erases it", async () => {
    const gone = await newPatient(owner.userId, "Gone");
    const kept = await newPatient(owner.userId, "Kept");
    const first = await newPatient(waiter.userId, "First");
    const second = await newPatient(waiter.userId, "Second");
    const seat = await book(owner, gone, MONDAY);
    if (!seat.ok) throw new Error(seat.error.detail);
    const join = new JoinWaitlist(uow, clock, 60);
    expect((await join.execute(waiter, { slotId, patientId: first, date: MONDAY })).ok).toBe(true);
    expect((await join.execute(waiter, { slotId, patientId: second, date: MONDAY })).ok).toBe(true);
    // Next week's sitting is full with someone else; the deleted patient waits for it.
    expect((await book(owner, kept, NEXT_MONDAY)).ok).toBe(true);
    const entry = await join.execute(owner, { slotId, patientId: gone, date: NEXT_MONDAY });
    if (!entry.ok) throw new Error(entry.error.detail);

    const deleted = await new DeletePatient(uow, clock).execute(owner.userId, gone);
    expect(deleted).toEqual({ ok: true, value: { cancelledAppointments: 1 } });

    const cancelled = uow.state.appointments.find((a) => a.id === seat.value.appointmentId);
    expect(cancelled).toMatchObject({ status: "cancelled", cancelledBy: "patient" });
    expect(seatsOf(MONDAY)).toEqual([{ seat: 1, patientId: first }]);
    expect(seatsOf(NEXT_MONDAY)).toEqual([{ seat: 1, patientId: kept }]);
    expect(uow.state.waitlist.map((w) => [w.patientId, w.status])).toEqual([
      [first, "booked"],
      [second, "waiting"],
      [gone, "left"],
    ]);
    expect(uow.state.notifications.filter((n) => n.userId === waiter.userId).map((n) => n.kind)).toEqual([
      "moved_from_waitlist",
    ]);
    expect(uow.state.patients.find((p) => p.id === gone)).toMatchObject({
      name: "Deleted patient",
      symptoms: null,
      deletedAt: expect.any(Date),
    });
    expect(uow.state.patients.find((p) => p.id === kept)).toMatchObject({ name: "Kept", symptoms: "fever" });
    expect(uow.state.outbox.map((e) => e.type).slice(-4)).toEqual([
      "AppointmentCancelled",
      "AppointmentBooked",
      "WaitlistLeft",
      "PatientDeleted",
    ]);
    expect(uow.state.outbox.at(-1)).toEqual({
      type: "PatientDeleted",
      patientId: gone,
      userId: owner.userId,
    });
  });

  it("leaves the seat of a sitting that has started, and frees room under the patient cap", async () => {
    const id = await newPatient(owner.userId);
    const seat = await book(owner, id, MONDAY);
    if (!seat.ok) throw new Error(seat.error.detail);
    clock.current = new Date(`${MONDAY}T09:05:00Z`);
    expect(await new DeletePatient(uow, clock).execute(owner.userId, id)).toEqual({
      ok: true,
      value: { cancelledAppointments: 0 },
    });
    expect(uow.state.appointments.find((a) => a.id === seat.value.appointmentId)?.status).toBe("booked");
    expect(uow.state.patients.find((p) => p.id === id)?.name).toBe("Deleted patient");

    const limited = new RegisterPatient(uow, {
      patientsPerAccount: 1,
      liveAppointmentsPerAccount: 10,
      seatsPerSittingPerAccount: 3,
      waitingEntriesPerAccount: 10,
      slotsPerDoctor: 50,
    });
    const input = { name: "New", age: 3, gender: "male" as const, symptoms: null };
    expect((await limited.execute(owner.userId, input)).ok).toBe(true);
    expect(await limited.execute(owner.userId, input)).toMatchObject({
      ok: false,
      error: { code: "limit_reached" },
    });
  });
});
