import { beforeEach, describe, expect, it } from "vitest";
import { Reminders } from "../../../src/application/projections/reminders.js";
import type { AppointmentStatus } from "../../../src/domain/appointment/appointment.js";
import type { AppointmentReadModel, AppointmentRow } from "../../../src/ports/appointment.read-model.js";
import type { JobQueue, QueuedJob, ReceivedJob } from "../../../src/ports/job-queue.js";
import { FakeUnitOfWork, FixedClock } from "../../support/fakes/unit-of-work.js";
import { appointmentRow } from "../../support/fixtures.js";

const row = (status: AppointmentStatus, seat = 3): AppointmentRow => appointmentRow({ status, seat });

const received = (name: string, data: unknown): ReceivedJob => ({ id: "j", name, data, attemptsMade: 0 });
const booked = received("outbox", {
  events: [{ outboxId: "1", type: "AppointmentBooked", payload: { appointmentId: 7 } }],
});
const reminder2h = received("reminder_2h", {
  appointmentId: 7,
  kind: "reminder_2h",
  date: "2026-12-07",
  seat: 3,
});

describe("reminders", () => {
  let current: AppointmentRow | null;
  let planned: QueuedJob[];
  let uow: FakeUnitOfWork;
  let clock: FixedClock;
  let reminders: Reminders;

  beforeEach(() => {
    current = row("booked");
    planned = [];
    uow = new FakeUnitOfWork();
    clock = new FixedClock(new Date("2026-12-06T12:00:00Z"));
    const appointments: AppointmentReadModel = {
      findById: async () => current,
      findByIds: async (ids) => (current && ids.includes(current.id) ? [current] : []),
      historyOfOwner: async () => ({ rows: [], total: 0 }),
    };
    const queue: JobQueue = {
      enqueue: async (jobs) => void planned.push(...jobs),
      failed: async () => [],
      retryFailed: async () => 0,
    };
    reminders = new Reminders(appointments, queue, uow, clock);
  });

  it("plans only the reminders still ahead, delayed to 24 h and 2 h before the expected time", async () => {
    clock.current = new Date("2026-12-01T09:20:00Z");
    await reminders.plan(booked);
    expect(planned).toMatchObject([
      { id: "reminder-7-reminder_24h-3-2026-12-07-3", delayMs: 5 * 86_400_000 },
      { id: "reminder-7-reminder_2h-3-2026-12-07-3", delayMs: 6 * 86_400_000 - 2 * 3_600_000 },
    ]);

    planned = [];
    clock.current = new Date("2026-12-06T12:00:00Z");
    await reminders.plan(booked);
    expect(planned.map((j) => j.name)).toEqual(["reminder_2h"]);

    planned = [];
    current = row("cancelled");
    await reminders.plan(booked);
    await reminders.plan(
      received("outbox", {
        events: [{ outboxId: "3", type: "AppointmentCancelled", payload: { appointmentId: 7 } }],
      }),
    );
    expect(planned).toEqual([]);
  });

  it("plans the reminders of every appointment booked in a batch of events, read in one go", async () => {
    clock.current = new Date("2026-12-01T09:20:00Z");
    const reads: number[][] = [];
    const batchReminders = new Reminders(
      {
        findById: async () => null,
        findByIds: async (ids) => {
          reads.push([...ids]);
          return ids.filter((id) => id !== 9).map((id) => ({ ...row("booked"), id }));
        },
        historyOfOwner: async () => ({ rows: [], total: 0 }),
      },
      {
        enqueue: async (jobs) => void planned.push(...jobs),
        failed: async () => [],
        retryFailed: async () => 0,
      },
      uow,
      clock,
    );
    const event = (outboxId: string, type: string, payload: object) => ({ outboxId, type, payload });
    await batchReminders.plan(
      received("outbox", {
        events: [
          event("1", "AppointmentBooked", { appointmentId: 7 }),
          event("2", "SlotAdded", { doctorId: 2, slotId: 3 }),
          event("3", "AppointmentBooked", { appointmentId: 8 }),
          event("4", "AppointmentBooked", { appointmentId: 9 }), // gone from Postgres meanwhile
        ],
      }),
    );
    expect(reads).toEqual([[7, 8, 9]]);
    expect(planned.map((j) => j.id).sort()).toEqual([
      "reminder-7-reminder_24h-3-2026-12-07-3",
      "reminder-7-reminder_2h-3-2026-12-07-3",
      "reminder-8-reminder_24h-3-2026-12-07-3",
      "reminder-8-reminder_2h-3-2026-12-07-3",
    ]);
  });

  it("plans every live appointment again, a page at a time, when Redis lost the delayed jobs", async () => {
    clock.current = new Date("2026-12-01T09:20:00Z");
    const live = [1, 2, 3, 4, 5].map((id) => ({ ...row("booked"), id }));
    const asked: [string, number][] = [];
    const seen = await reminders.replanUpcoming(
      {
        liveAppointmentsFrom: async (from, after, limit) => {
          asked.push([from, after]);
          return live.filter((a) => a.id > after).slice(0, limit);
        },
      },
      2,
    );
    expect(seen).toBe(5);
    expect(asked).toEqual([
      ["2026-11-30", 0],
      ["2026-11-30", 2],
      ["2026-11-30", 4],
    ]);
    expect(planned.map((j) => j.id)).toContain("reminder-5-reminder_2h-3-2026-12-07-3");
    expect(planned).toHaveLength(10);
  });

  it("writes a reminder to the owner only while the appointment holds as planned and is not yet due", async () => {
    clock.current = new Date("2026-12-07T07:20:00Z");
    for (const status of ["cancelled", "fulfilled", "noshow"] as const) {
      current = row(status);
      await reminders.fire(reminder2h);
    }
    current = row("booked", 4);
    await reminders.fire(reminder2h);
    current = null;
    await reminders.fire(reminder2h);
    expect(uow.state.notifications).toEqual([]);

    current = row("booked");
    clock.current = new Date("2026-12-07T09:20:00Z");
    await reminders.fire(reminder2h);
    expect(uow.state.notifications).toEqual([]);

    clock.current = new Date("2026-12-07T07:20:00Z");
    await reminders.fire(reminder2h);
    expect(uow.state.notifications).toMatchObject([{ userId: 50, kind: "reminder_2h", appointmentId: 7 }]);
    expect(uow.state.notifications[0]?.text).toContain("09:20");
  });

  it("plans reminders for a moved appointment, and the old place's reminder says nothing", async () => {
    await reminders.plan(
      received("outbox", {
        events: [{ outboxId: "2", type: "AppointmentMoved", payload: { appointmentId: 7 } }],
      }),
    );
    expect(planned.map((j) => j.id)).toContain("reminder-7-reminder_2h-3-2026-12-07-3");

    // Moved to slot 4 on the same date and seat: the job planned for slot 3 must not fire.
    clock.current = new Date("2026-12-07T07:20:00Z");
    current = { ...row("booked"), slot: { ...row("booked").slot, id: 4 } };
    await reminders.fire(
      received("reminder_2h", {
        appointmentId: 7,
        kind: "reminder_2h",
        date: "2026-12-07",
        seat: 3,
        slotId: 3,
      }),
    );
    expect(uow.state.notifications).toEqual([]);
  });
});
