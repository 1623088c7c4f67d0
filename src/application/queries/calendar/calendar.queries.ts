import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import { type Sitting, sittingStatus, upcomingSittings } from "../../../domain/sitting/sitting.js";
import { addDays, localDateOf } from "../../../domain/sitting/zoned-time.js";
import { ownedBy } from "../../../domain/user/ownership.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { AppointmentReadModel, AppointmentRow } from "../../../ports/appointment.read-model.js";
import type { CalendarEvent, CalendarWriter } from "../../../ports/calendar.js";
import type { CalendarFeedStore } from "../../../ports/calendar-feed.store.js";
import type { Clock } from "../../../ports/clock.js";
import type { DoctorReadModel } from "../../../ports/doctor.read-model.js";
import type { SessionTokens } from "../../../ports/token.js";
import { appointmentNotFound } from "../../not-found.js";
import { closedReasonOn, slotsHoldingSittings } from "../doctors/closures.js";
import { toAppointmentView } from "../views.js";

export const calendarFeedNotFound = appError(
  "not_found",
  "calendar_feed_not_found",
  "No such calendar feed; it may have been replaced by a newer one.",
);

const MS_PER_MINUTE = 60_000;

/** The first word of a name: all that a doctor's feed shows of a patient. */
export const firstNameOf = (name: string): string => name.trim().split(/\s+/u)[0] ?? "";

const appointmentUid = (id: number, host: string) => `appointment-${id}@${host}`;
const sittingUid = (s: Pick<Sitting, "slotId" | "date">, host: string) =>
  `sitting-${s.slotId}-${s.date}@${host}`;

const timeOf = (a: AppointmentRow) => {
  const start = new Date(toAppointmentView(a).expected_time);
  return { start, end: new Date(start.getTime() + a.slot.appointmentDuration * MS_PER_MINUTE) };
};

/** The patient's event of one appointment: the doctor's name, never the symptoms. */
export const appointmentEvent = (a: AppointmentRow, host: string): CalendarEvent => ({
  uid: appointmentUid(a.id, host),
  sequence: a.calendarSequence,
  ...timeOf(a),
  summary: `Appointment with ${a.doctor.name}`,
  description: `Seat ${a.seat} in the sitting of ${a.date}, for ${firstNameOf(a.patient.name)}.`,
  cancelled: a.status === "cancelled",
});

/** The doctor's event of one appointment: the seat and the patient's first name only. */
const feedAppointmentEvent = (a: AppointmentRow, host: string): CalendarEvent => ({
  uid: appointmentUid(a.id, host),
  sequence: a.calendarSequence,
  ...timeOf(a),
  summary: `Seat ${a.seat}: ${firstNameOf(a.patient.name)}`,
  cancelled: false,
});

/** A sitting of the doctor's; a closed one is kept, cancelled, so that a subscribed copy drops it. */
const feedSittingEvent = (
  s: Sitting,
  booked: number,
  closedReason: string | null,
  host: string,
): CalendarEvent => ({
  uid: sittingUid(s, host),
  sequence: closedReason === null ? 0 : 1,
  start: s.startsAt,
  end: s.endsAt,
  summary:
    closedReason === null
      ? `Sitting: ${booked} of ${s.capacity} booked`
      : `Sitting closed${closedReason ? `: ${closedReason}` : ""}`,
  cancelled: closedReason !== null,
});

export interface CalendarOptions {
  /** The host of PUBLIC_BASE_URL: the right-hand side of every UID. */
  readonly host: string;
  readonly horizonDays: number;
}

/** iCalendar reads: one appointment for its owner, a doctor's feed for whoever holds its secret. */
export class CalendarQueries {
  constructor(
    private readonly appointments: AppointmentReadModel,
    private readonly doctors: DoctorReadModel,
    private readonly feeds: CalendarFeedStore,
    private readonly tokens: SessionTokens,
    private readonly writer: CalendarWriter,
    private readonly clock: Clock,
    private readonly options: CalendarOptions,
  ) {}

  /** One appointment of one of the caller's patients as an invite; someone else's is answered as missing. */
  async appointmentInvite(principal: Principal, appointmentId: number): Promise<Result<string>> {
    const owned = ownedBy(
      principal,
      await this.appointments.findById(appointmentId),
      (row) => row.patient.userId,
      appointmentNotFound,
    );
    return owned.ok ? ok(this.writer.invite(appointmentEvent(owned.value, this.options.host))) : owned;
  }

  /**
   * The feed of the doctor holding this token: its sittings from today (in its zone) to the end of the
   * booking horizon, closed ones cancelled, and their live appointments.
   */
  async doctorFeed(token: string): Promise<Result<string>> {
    const doctorId = await this.feeds.doctorOf(this.tokens.digest(token));
    const [doctor] =
      doctorId === null ? [] : await this.doctors.findByIds([doctorId], { includeUnverified: true });
    if (!doctor) return err(calendarFeedNotFound);
    const now = this.clock.now();
    const days = this.options.horizonDays + 1;
    const start = localDateOf(now, doctor.timeZone);
    const end = addDays(start, days - 1);
    const [closures, appointments] = await Promise.all([
      this.doctors.closuresBetween(doctor.id, start, end),
      this.feeds.liveAppointmentsBetween(doctor.id, start, end),
    ]);
    const booked = new Map<string, number>();
    for (const a of appointments) {
      const key = `${a.slot.id}/${a.date}`;
      booked.set(key, (booked.get(key) ?? 0) + 1);
    }
    const host = this.options.host;
    const sittings = slotsHoldingSittings(doctor.slots, closures)
      .flatMap(({ slot, retiredFrom }) =>
        upcomingSittings(slot, doctor.timeZone, { from: start, days, now }).filter(
          (s) => retiredFrom === null || s.date < retiredFrom,
        ),
      )
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.slotId - b.slotId)
      .map((s) => {
        const n = booked.get(`${s.slotId}/${s.date}`) ?? 0;
        const reason = closedReasonOn(closures, s.date);
        const closed = sittingStatus(s, n, reason, now) === "closed" ? (reason ?? "") : null;
        return feedSittingEvent(s, n, closed, host);
      });
    const events = [...sittings, ...appointments.map((a) => feedAppointmentEvent(a, host))];
    return ok(this.writer.feed(`Doctorly: ${doctor.name}`, events));
  }
}
