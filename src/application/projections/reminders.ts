import { type ReminderKind, reminderTimes } from "../../domain/appointment/visit.js";
import { ok } from "../../domain/shared/result.js";
import { expectedTime, sittingOf } from "../../domain/sitting/sitting.js";
import { localClockOf } from "../../domain/sitting/zoned-time.js";
import type { AppointmentReadModel, AppointmentRow } from "../../ports/appointment.read-model.js";
import type { Clock } from "../../ports/clock.js";
import type { JobQueue, QueuedJob, ReceivedJob } from "../../ports/job-queue.js";
import type { UnitOfWork } from "../../ports/unit-of-work.js";
import type { VisitReadModel } from "../../ports/visit.read-model.js";
import { bookedAppointmentIdOf, eventsOfJob } from "./projection-event.js";

interface ReminderJob {
  readonly appointmentId: number;
  readonly kind: ReminderKind;
  readonly date: string;
  readonly seat: number;
  /** Absent in jobs queued before rescheduling existed. */
  readonly slotId?: number;
}

const isReminderJob = (data: unknown): data is ReminderJob =>
  typeof data === "object" && data !== null && typeof (data as ReminderJob).appointmentId === "number";

/**
 * Reminders 24 h and 2 h before a visit, as delayed jobs. They are planned from the AppointmentBooked
 * event (so they survive a crash: the outbox relays it), and when one fires it checks in Postgres that
 * the appointment still holds — same sitting, same seat, not cancelled, not yet due — before writing
 * anything.
 */
export class Reminders {
  constructor(
    private readonly appointments: AppointmentReadModel,
    private readonly queue: JobQueue,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** Projection job handler: plans the reminders of the appointments booked in the job's events. */
  readonly plan = async (job: ReceivedJob): Promise<void> => {
    const booked = eventsOfJob(job.data)
      .map(bookedAppointmentIdOf)
      .filter((id): id is number => id !== null);
    if (booked.length === 0) return;
    const now = this.clock.now();
    const appointments = await this.appointments.findByIds(booked);
    await this.queue.enqueue(
      appointments.filter((a) => a.status !== "cancelled").flatMap((a) => this.jobsFor(a, now)),
    );
  };

  /**
   * Delayed jobs live only in Redis: when Redis comes back without its data, every live appointment's
   * reminders are planned again from Postgres. Job ids collapse the ones still queued, and a reminder
   * already written is not written twice (unique per appointment and kind). Returns how many were seen.
   */
  async replanUpcoming(visits: Pick<VisitReadModel, "liveAppointmentsFrom">, batchSize = 500) {
    const now = this.clock.now();
    // A sitting's local date may be a day behind UTC; the expected time decides what is still ahead.
    const from = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    let seen = 0;
    for (let after = 0; ; ) {
      const batch = await visits.liveAppointmentsFrom(from, after, batchSize);
      await this.queue.enqueue(batch.flatMap((a) => this.jobsFor(a, now)));
      seen += batch.length;
      const last = batch.at(-1);
      if (!last || batch.length < batchSize) return seen;
      after = last.id;
    }
  }

  private jobsFor(a: AppointmentRow, now: Date): QueuedJob[] {
    const expected = expectedTime(sittingOf(a.slot, a.date, a.doctor.timeZone), a.slot, a.seat);
    return reminderTimes(expected, now).map(({ kind, at }) => ({
      // One job per appointment, kind and place: a re-planned or duplicate event collapses into it.
      id: `reminder-${a.id}-${kind}-${a.slot.id}-${a.date}-${a.seat}`,
      name: kind,
      data: {
        appointmentId: a.id,
        kind,
        date: a.date,
        seat: a.seat,
        slotId: a.slot.id,
      } satisfies ReminderJob,
      delayMs: at.getTime() - now.getTime(),
    }));
  }

  /** Reminder job handler: writes the reminder only if the appointment still holds as planned. */
  readonly fire = async (job: ReceivedJob): Promise<void> => {
    if (!isReminderJob(job.data)) return;
    const { appointmentId, kind, date, seat, slotId } = job.data;
    const a = await this.appointments.findById(appointmentId);
    // A rescheduled appointment has new reminders; those of its old place say nothing.
    const holds =
      a &&
      (a.status === "booked" || a.status === "arrived") &&
      a.date === date &&
      a.seat === seat &&
      (slotId === undefined || a.slot.id === slotId);
    if (!a || !holds) return;
    const expected = expectedTime(sittingOf(a.slot, a.date, a.doctor.timeZone), a.slot, a.seat);
    // A job that runs late (workers were down) says nothing once the visit's time has come.
    if (this.clock.now().getTime() >= expected.getTime()) return;
    const when = kind === "reminder_24h" ? "tomorrow" : "in two hours";
    await this.uow.run(async ({ notifications }) => {
      await notifications.notify({
        userId: a.patient.userId,
        kind,
        text: `Reminder: ${a.patient.name} sees ${a.doctor.name} ${when}, seat ${a.seat} at ${localClockOf(expected, a.doctor.timeZone)} on ${a.date}.`,
        appointmentId: a.id,
      });
      return ok(true);
    });
  };
}
