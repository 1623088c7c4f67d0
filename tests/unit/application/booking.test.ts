import { beforeEach, describe, expect, it } from "vitest";
import { BookAppointment } from "../../../src/application/commands/booking/book-appointment.js";
import { CancelAppointment } from "../../../src/application/commands/booking/cancel-appointment.js";
import { AddQualifications } from "../../../src/application/commands/doctors/add-qualifications.js";
import { AddSpecializations } from "../../../src/application/commands/doctors/add-specializations.js";
import { RegisterPatient } from "../../../src/application/commands/patients/register-patient.js";
import { AddSlot } from "../../../src/application/commands/schedule/add-slot.js";
import type { Principal } from "../../../src/domain/user/principal.js";
import { bookableDoctor } from "../../support/fakes/scenes.js";
import { FakeUnitOfWork, FixedClock, fakeCatalog } from "../../support/fakes/unit-of-work.js";

// Monday 2026-12-07 09:00 in Karachi is 04:00Z; "now" is the Friday before.
const NOW = new Date("2026-12-04T10:00:00Z");
const doctorUser = 100;
const owner: Principal = { userId: 200, role: "user" };
const stranger: Principal = { userId: 300, role: "user" };

describe("booking commands (in-memory unit of work)", () => {
  let uow: FakeUnitOfWork;
  let clock: FixedClock;
  let slotId: number;
  let patientId: number;
  let book: BookAppointment;

  beforeEach(async () => {
    uow = new FakeUnitOfWork();
    clock = new FixedClock(NOW);
    ({ slotId } = await bookableDoctor(uow, clock, {
      userId: doctorUser,
      timeZone: "Asia/Karachi",
      numSlots: 2,
    }));
    const patient = await new RegisterPatient(uow).execute(owner.userId, {
      name: "Sara",
      age: 30,
      gender: "female",
      symptoms: null,
    });
    if (!patient.ok) throw new Error("no patient");
    patientId = patient.value.id;
    book = new BookAppointment(uow, clock, 60);
  });

  const newPatient = async (userId = owner.userId) => {
    const p = await new RegisterPatient(uow).execute(userId, {
      name: "P",
      age: 9,
      gender: "other",
      symptoms: null,
    });
    if (!p.ok) throw new Error("no patient");
    return p.value.id;
  };

  it("refuses an overlapping slot and leaves no event for it", async () => {
    const events = uow.state.outbox.length;
    const overlap = await new AddSlot(uow).execute(doctorUser, {
      day: "Monday",
      start: "09:15",
      appointmentDuration: 10,
      numSlots: 1,
      consultationFee: 0,
    });
    expect(overlap).toMatchObject({ ok: false, error: { kind: "conflict", code: "slot_overlap" } });
    expect(uow.state.outbox.length).toBe(events);
  });

  it("books the earliest upcoming sitting when no date is given, seat 1 first", async () => {
    const result = await book.execute(owner, { slotId, patientId });
    expect(result.ok).toBe(true);
    expect(uow.state.appointments[0]).toMatchObject({ date: "2026-12-07", seat: 1 });
    expect(uow.state.outbox.at(-1)).toMatchObject({ type: "AppointmentBooked", date: "2026-12-07", seat: 1 });
  });

  it("moves to the next week's sitting when the earliest is full", async () => {
    await book.execute(owner, { slotId, patientId: await newPatient() });
    await book.execute(owner, { slotId, patientId: await newPatient() });
    const result = await book.execute(owner, { slotId, patientId });
    expect(result.ok).toBe(true);
    expect(uow.state.appointments.at(-1)).toMatchObject({ date: "2026-12-14", seat: 1 });
  });

  it("answers 409 sitting_full for a full dated sitting, and 409 already_booked for the same patient twice", async () => {
    await book.execute(owner, { slotId, patientId, date: "2026-12-07" });
    expect(await book.execute(owner, { slotId, patientId, date: "2026-12-07" })).toMatchObject({
      ok: false,
      error: { code: "already_booked" },
    });
    await book.execute(owner, { slotId, patientId: await newPatient(), date: "2026-12-07" });
    expect(
      await book.execute(owner, { slotId, patientId: await newPatient(), date: "2026-12-07" }),
    ).toMatchObject({
      ok: false,
      error: { kind: "conflict", code: "sitting_full" },
    });
  });

  it("refuses a wrong weekday, a past date and a date beyond the horizon with 400s", async () => {
    const codes = await Promise.all(
      ["2026-12-08", "2026-11-30", "2027-03-01"].map(async (date) => {
        const r = await book.execute(owner, { slotId, patientId, date });
        return r.ok ? "ok" : `${r.error.kind}:${r.error.code}`;
      }),
    );
    expect(codes).toEqual([
      "validation:wrong_weekday",
      "validation:sitting_started",
      "validation:beyond_horizon",
    ]);
  });

  it("answers 404 for someone else's patient and for an unknown slot", async () => {
    expect(await book.execute(stranger, { slotId, patientId })).toMatchObject({
      ok: false,
      error: { kind: "not_found", code: "patient_not_found" },
    });
    expect(await book.execute(owner, { slotId: 9999, patientId })).toMatchObject({
      ok: false,
      error: { kind: "not_found" },
    });
  });

  it("gives a cancelled seat to the next booking", async () => {
    const first = await book.execute(owner, { slotId, patientId, date: "2026-12-07" });
    await book.execute(owner, { slotId, patientId: await newPatient(), date: "2026-12-07" });
    if (!first.ok) throw new Error("not booked");
    const cancel = new CancelAppointment(uow, clock);
    expect((await cancel.execute(owner, first.value.appointmentId)).ok).toBe(true);
    await book.execute(owner, { slotId, patientId: await newPatient(), date: "2026-12-07" });
    expect(uow.state.appointments.at(-1)).toMatchObject({ seat: 1, status: "booked" });
  });

  it("replays the first answer for a repeated Idempotency-Key and refuses it for a different body", async () => {
    const first = await book.execute(owner, { slotId, patientId, idempotencyKey: "k1" });
    const again = await book.execute(owner, { slotId, patientId, idempotencyKey: "k1" });
    expect(first.ok && again.ok && again.value.appointmentId === first.value.appointmentId).toBe(true);
    expect(again).toMatchObject({ ok: true, value: { replayed: true } });
    expect(uow.state.appointments).toHaveLength(1);
    const other = await book.execute(owner, { slotId, patientId, date: "2026-12-14", idempotencyKey: "k1" });
    expect(other).toMatchObject({ ok: false, error: { kind: "conflict", code: "idempotency_key_reused" } });
    // Keys belong to an account: another account's identical key is a new request.
    const strangerPatient = await newPatient(stranger.userId);
    expect(
      (await book.execute(stranger, { slotId, patientId: strangerPatient, idempotencyKey: "k1" })).ok,
    ).toBe(true);
  });

  it("lets only the owner cancel, and only before the sitting starts", async () => {
    const booked = await book.execute(owner, { slotId, patientId, date: "2026-12-07" });
    if (!booked.ok) throw new Error("not booked");
    const cancel = new CancelAppointment(uow, clock);
    expect(await cancel.execute(stranger, booked.value.appointmentId)).toMatchObject({
      ok: false,
      error: { kind: "not_found" },
    });
    clock.current = new Date("2026-12-07T04:00:00Z");
    expect(await cancel.execute(owner, booked.value.appointmentId)).toMatchObject({
      ok: false,
      error: { kind: "conflict" },
    });
    expect(uow.state.appointments[0]?.status).toBe("booked");
  });

  it("adds every requested specialization, refuses unknown names by position and duplicates", async () => {
    const catalog = fakeCatalog({ cardiologist: 3, "family physician": 7 }, { mbbs: 1 });
    const add = new AddSpecializations(uow, catalog);
    expect(await add.execute(doctorUser, ["Cardiologist", "family  physician"])).toMatchObject({ ok: true });
    expect(uow.state.doctorSpecializations.map((s) => s.id).sort()).toEqual([3, 7]);
    expect(await add.execute(doctorUser, ["cardiologist"])).toMatchObject({
      ok: false,
      error: { kind: "conflict", code: "specialization_already_held" },
    });
    expect(await add.execute(doctorUser, ["astrologer"])).toMatchObject({
      ok: false,
      error: { kind: "validation", errors: [{ path: "specializations.0" }] },
    });
  });

  it("adds qualifications and refuses a future procurement date or one already held", async () => {
    const add = new AddQualifications(uow, fakeCatalog({}, { mbbs: 1, md: 8 }), clock);
    const mbbs = { name: "mbbs", procurement_year: "2010-06-01", institute_name: "KEMU" };
    expect((await add.execute(doctorUser, [mbbs])).ok).toBe(true);
    expect(await add.execute(doctorUser, [mbbs])).toMatchObject({ ok: false, error: { kind: "conflict" } });
    expect(
      await add.execute(doctorUser, [{ name: "md", procurement_year: "2030-01-01", institute_name: "X" }]),
    ).toMatchObject({ ok: false, error: { kind: "validation" } });
    expect(uow.state.outbox.filter((e) => e.type === "QualificationsAdded")).toHaveLength(1);
  });
});
