import type { AppointmentRow } from "./appointment.read-model.js";
import type { NotificationKind } from "./notifier.js";

export interface ReviewRow {
  readonly rating: number;
  readonly review: string | null;
  readonly createdAt: Date;
}

export interface NotificationRow {
  readonly id: number;
  readonly kind: NotificationKind;
  readonly text: string;
  readonly appointmentId: number | null;
  readonly createdAt: Date;
  readonly readAt: Date | null;
}

export interface VisitReadModel {
  /** The doctor's live (not cancelled) appointments of one date, by slot start then seat. */
  doctorDay(doctorId: number, date: string): Promise<AppointmentRow[]>;
  /** Booked appointments of sittings on or after `fromDate`, in id order after `afterId` (keyset pages). */
  liveAppointmentsFrom(fromDate: string, afterId: number, limit: number): Promise<AppointmentRow[]>;
  reviews(doctorId: number, offset: number, limit: number): Promise<{ rows: ReviewRow[]; total: number }>;
  /**
   * A page of the account's notifications, newest first (only the unread ones when `unreadOnly`): `total`
   * counts what the page is taken from, `unread` the account's unread notifications.
   */
  notifications(
    userId: number,
    offset: number,
    limit: number,
    unreadOnly?: boolean,
  ): Promise<{ rows: NotificationRow[]; total: number; unread: number }>;
}

export const VISIT_READ_MODEL = Symbol.for("doctorly.VisitReadModel");
