import { beforeEach, describe, expect, it } from "vitest";
import { BookAppointment } from "../../../src/application/commands/booking/book-appointment.js";
import { CancelAppointment } from "../../../src/application/commands/booking/cancel-appointment.js";
import { JoinWaitlist, LeaveWaitlist } from "../../../src/application/commands/booking/waitlist.js";
import { ChangeDoctorVerification } from "../../../src/application/commands/doctors/change-doctor-verification.js";
import { RegisterPatient } from "../../../src/application/commands/patients/register-patient.js";
import { AddSlot } from "../../../src/application/commands/schedule/add-slot.js";
import { ChangeVisitStatus } from "../../../src/application/commands/visits/change-visit-status.js";
import { RateAppointment } from "../../../src/application/commands/visits/rate-appointment.js";
import type { Principal } from "../../../src/domain/user/principal.js";
import { FakeUnitOfWork, FixedClock } from "../../support/fakes/unit-of-work.js";

const doctor: Principal = { userId: 1000, role: "doctor" };
const alice: Principal = { userId: 1, role: "user" };
const bob: Principal = { userId: 2, role: "user" };
const carol: Principal = { userId: 3, role: "user" };
const admin: Principal = { userId: 9, role: "admin" };
const DATE = "2026-12-07"; // a Monday; the sitting starts 09:00 UTC
const clock = new FixedClock(new Date("2026-12-04T10:00:00Z"));

describe("visits and waitlist (in-memory unit of work)", () => {
  let uow: FakeUnitOfWork;
  let slotId: number;
  const patientOf: Record<number, number> = {};

  beforeEach(async () => {
    clock.current = new Date("2026-12-04T10:00:00Z");
    uow = new FakeUnitOfWork();
    const registered = await uow.run(async ({ doctors }) => ({
      ok: true,
      value: await doctors.insert({ userId: doctor.userId, description: "", timeZone: "UTC" }),
    }));
    if (!registered.ok) throw new Error("no doctor");
    await new ChangeDoctorVerification(uow, clock).execute(admin, registered.value.id, "verify");
    const slot = await new AddSlot(uow).execute(doctor.userId, {
      day: "monday",
      start: "09:00",
      appointmentDuration: 10,
      numSlots: 1,
      consultationFee: 0,
    });
    if (!slot.ok) throw new Error("no slot");
    slotId = slot.value.id;
    for (const p of [alice, bob, carol]) {
      const r = await new RegisterPatient(uow).execute(p.userId, {
        name: `P${p.userId}`,
        age: 30,
        gender: "other",
        symptoms: null,
      });
      if (!r.ok) throw new Error("no patient");
      patientOf[p.userId] = r.value.id;
    }
  });

  const book = (p: Principal) =>
    new BookAppointment(uow, clock, 60).execute(p, {
      slotId,
      patientId: patientOf[p.userId] as number,
      date: DATE,
    });
  const join = (p: Principal) =>
    new JoinWaitlist(uow, clock, 60).execute(p, {
      slotId,
      patientId: patientOf[p.userId] as number,
      date: DATE,
    });

  it("joins only a full sitting, and gives the freed seat to the first one waiting, notified, in the cancel", async () => {
    expect(await join(alice)).toMatchObject({ ok: false, error: { code: "sitting_not_full" } });
    const booked = await book(alice);
    if (!booked.ok) throw new Error("not booked");
    expect(await join(bob)).toMatchObject({ ok: true, value: { position: 1 } });
    expect(await join(carol)).toMatchObject({ ok: true, value: { position: 2 } });

    expect((await new CancelAppointment(uow, clock).execute(alice, booked.value.appointmentId)).ok).toBe(
      true,
    );
    const live = uow.state.appointments.filter((a) => a.status !== "cancelled");
    expect(live).toMatchObject([{ patientId: patientOf[bob.userId], seat: 1 }]);
    expect(uow.state.notifications.map((n) => [n.userId, n.kind])).toEqual([
      [alice.userId, "booked"],
      [alice.userId, "cancelled"],
      [bob.userId, "moved_from_waitlist"],
    ]);
    expect(uow.state.waitlist.map((w) => w.status)).toEqual(["booked", "waiting"]);
  });

  it("refuses a second wait for the same sitting, a seated patient, and a date that is not a sitting", async () => {
    await book(alice);
    expect((await join(bob)).ok).toBe(true);
    expect(await join(bob)).toMatchObject({ ok: false, error: { code: "already_waiting" } });
    expect(await join(alice)).toMatchObject({ ok: false, error: { code: "already_booked" } });
    const tuesday = await new JoinWaitlist(uow, clock, 60).execute(carol, {
      slotId,
      patientId: patientOf[carol.userId] as number,
      date: "2026-12-08",
    });
    expect(tuesday).toMatchObject({ ok: false, error: { kind: "validation" } });
    expect(
      await new JoinWaitlist(uow, clock, 60).execute(carol, {
        slotId,
        patientId: patientOf[bob.userId] as number,
        date: DATE,
      }),
    ).toMatchObject({ ok: false, error: { kind: "not_found" } });
    expect(uow.state.waitlist).toHaveLength(1);
  });

  it("lets only the owner leave a waitlist", async () => {
    await book(alice);
    const entry = await join(bob);
    if (!entry.ok) throw new Error("not joined");
    expect(await new LeaveWaitlist(uow).execute(carol, entry.value.id)).toMatchObject({
      ok: false,
      error: { kind: "not_found" },
    });
    expect((await new LeaveWaitlist(uow).execute(bob, entry.value.id)).ok).toBe(true);
    expect(uow.state.waitlist[0]?.status).toBe("left");
  });

  it("records the visit only for its doctor, after the start, and rates it once when fulfilled", async () => {
    const booked = await book(alice);
    if (!booked.ok) throw new Error("not booked");
    const id = booked.value.appointmentId;
    const visit = new ChangeVisitStatus(uow, clock);
    expect(await visit.execute(doctor, id, "arrived")).toMatchObject({
      ok: false,
      error: { code: "sitting_not_started" },
    });
    clock.current = new Date(`${DATE}T09:05:00Z`);
    expect(await visit.execute({ userId: 999, role: "doctor" }, id, "arrived")).toMatchObject({
      ok: false,
      error: { kind: "not_found" },
    });
    const rate = new RateAppointment(uow);
    expect(await rate.execute(alice, id, { rating: 5, review: null })).toMatchObject({
      ok: false,
      error: { code: "not_fulfilled" },
    });
    expect((await visit.execute(doctor, id, "arrived")).ok).toBe(true);
    expect((await visit.execute(doctor, id, "fulfilled")).ok).toBe(true);
    expect(await rate.execute(bob, id, { rating: 5, review: null })).toMatchObject({
      ok: false,
      error: { kind: "not_found" },
    });
    expect((await rate.execute(alice, id, { rating: 5, review: "great" })).ok).toBe(true);
    expect(await rate.execute(alice, id, { rating: 4, review: null })).toMatchObject({
      ok: false,
      error: { code: "already_rated" },
    });
    expect(uow.state.outbox.filter((e) => e.type === "AppointmentRated")).toHaveLength(1);
  });
});
