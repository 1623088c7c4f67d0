import { isCalendarDate } from "../../../domain/shared/calendar-date.js";
import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import { sittingOf, sittingStatus } from "../../../domain/sitting/sitting.js";
import { localDateOf } from "../../../domain/sitting/zoned-time.js";
import { isoWeekdayOf } from "../../../domain/slot/weekday.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { Clock } from "../../../ports/clock.js";
import type { DoctorReadModel } from "../../../ports/doctor.read-model.js";
import type { NotificationKind } from "../../../ports/notifier.js";
import type { VisitReadModel } from "../../../ports/visit.read-model.js";
import { closedReasonOn, slotsHoldingSittings } from "../doctors/closures.js";
import { doctorNotFound } from "../doctors/doctor.queries.js";
import { offsetOf, type Page, type PageRequest, pageOf } from "../page.js";
import { type AppointmentView, type SittingView, toAppointmentView, toSittingView } from "../views.js";

export interface ReviewView {
  rating: number;
  review: string | null;
  created_at: string;
}

export interface NotificationView {
  id: number;
  kind: NotificationKind;
  text: string;
  appointment_id: number | null;
  created_at: string;
  read_at: string | null;
}

export class VisitQueries {
  constructor(
    private readonly visits: VisitReadModel,
    private readonly doctors: DoctorReadModel,
    private readonly clock: Clock,
  ) {}

  /** The calling doctor's queues of one day (default: today in the doctor's zone), sittings in time order. */
  async doctorDay(
    principal: Principal,
    date: string | undefined,
  ): Promise<Result<{ data: { sitting: SittingView; appointments: AppointmentView[] }[] }>> {
    if (date !== undefined && !isCalendarDate(date)) {
      return err(
        appError("validation", "invalid_date", "`date` is not a calendar date.", {
          errors: [{ path: "date", message: "not a calendar date" }],
        }),
      );
    }
    const doctorId = await this.doctors.doctorIdOfUser(principal.userId);
    const [doctor] =
      doctorId === null ? [] : await this.doctors.findByIds([doctorId], { includeUnverified: true });
    if (!doctor) return err(doctorNotFound);
    const day = date ?? localDateOf(this.clock.now(), doctor.timeZone);
    const closures = await this.doctors.closuresBetween(doctor.id, day, day);
    const appointments = (await this.visits.doctorDay(doctor.id, day)).map((a) => ({
      slotId: a.slot.id,
      view: toAppointmentView(a),
    }));
    const now = this.clock.now();
    const reason = closedReasonOn(closures, day);
    // A slot retired after this day held its sitting on it, with its appointments.
    const data = slotsHoldingSittings(doctor.slots, closures)
      .filter(({ slot, retiredFrom }) => slot.day === isoWeekdayOf(day) && (retiredFrom ?? "9999") > day)
      .map(({ slot }) => sittingOf(slot, day, doctor.timeZone))
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
      .map((sitting) => {
        const queue = appointments.filter((a) => a.slotId === sitting.slotId).map((a) => a.view);
        const status = sittingStatus(sitting, queue.length, reason, now);
        return { sitting: toSittingView(sitting, queue.length, status, reason), appointments: queue };
      });
    return ok({ data });
  }

  /** A verified doctor's reviews; an unverified or suspended doctor is answered as missing. */
  async reviews(doctorId: number, page: PageRequest): Promise<Result<Page<ReviewView>>> {
    const [doctor] = await this.doctors.findByIds([doctorId]);
    if (!doctor) return err(doctorNotFound);
    const { rows, total } = await this.visits.reviews(doctorId, offsetOf(page), page.perPage);
    const data = rows.map((r) => ({
      rating: r.rating,
      review: r.review,
      created_at: r.createdAt.toISOString(),
    }));
    return ok(pageOf(data, page, total));
  }

  /** A page of the caller's notifications (only the unread ones when `unreadOnly`), with the unread count. */
  async notifications(
    principal: Principal,
    page: PageRequest,
    unreadOnly = false,
  ): Promise<Page<NotificationView> & { unread: number }> {
    const { rows, total, unread } = await this.visits.notifications(
      principal.userId,
      offsetOf(page),
      page.perPage,
      unreadOnly,
    );
    const data = rows.map((n) => ({
      id: n.id,
      kind: n.kind,
      text: n.text,
      appointment_id: n.appointmentId,
      created_at: n.createdAt.toISOString(),
      read_at: n.readAt?.toISOString() ?? null,
    }));
    return { ...pageOf(data, page, total), unread };
  }
}
