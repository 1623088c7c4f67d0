import { type CommonQueryMethods, sql } from "slonik";
import type { DomainEvent } from "../../domain/events.js";
import type { Notification, Notifier } from "../../ports/notifier.js";
import type { OutboxWriter } from "../../ports/outbox.js";

/** A new appointment's row, as `PgSittingBookRepository.save` inserts it. */
export interface NewAppointmentRow {
  readonly id: number;
  readonly patientId: number;
  readonly slotId: number;
  readonly doctorId: number;
  readonly date: string;
  readonly seat: number;
  readonly capacity: number;
}

/**
 * The rows a transaction only appends and never reads back — outbox events and in-app notifications —
 * held until the unit of work is about to commit and then written in one statement, with a booking's new
 * appointment when no statement came after it: a booking makes two round trips to Postgres fewer. They
 * commit or roll back with everything else, as before, and a constraint the appointment breaks fails the
 * transaction as it did. Every notification written adds a NotificationCreated event to the outbox in
 * the same statement.
 */
export class AppendedRows implements OutboxWriter, Notifier {
  private events: DomainEvent[] = [];
  private notifications: Notification[] = [];
  private appointments: NewAppointmentRow[] = [];

  async append(events: readonly DomainEvent[]): Promise<void> {
    this.events.push(...events);
  }

  async notify(notification: Notification): Promise<void> {
    this.notifications.push(notification);
  }

  /**
   * A new appointment (its id taken already), written with the next statement of the transaction
   * (`flushAppointments`, before any other statement runs: see `pgTransactionScope`) or, when none follows,
   * with the outbox events and notices before commit.
   */
  insertAppointment(row: NewAppointmentRow): void {
    this.appointments.push(row);
  }

  /** Writes the appointments held, alone: a statement that may read them is about to run. */
  async flushAppointments(db: CommonQueryMethods): Promise<void> {
    const part = this.appointmentsPart();
    if (part) await db.query(sql.unsafe`WITH ${part} SELECT 1`);
  }

  private appointmentsPart() {
    if (this.appointments.length === 0) return null;
    const rows = this.appointments;
    this.appointments = [];
    return sql.fragment`appended_appointments AS (
      INSERT INTO appointments (id, patient_id, slot_id, doctor_id, sitting_date, seat, capacity)
      OVERRIDING SYSTEM VALUE
      SELECT * FROM ${sql.unnest(
        rows.map((a) => [a.id, a.patientId, a.slotId, a.doctorId, a.date, a.seat, a.capacity]),
        ["int4", "int4", "int4", "int4", "date", "int4", "int4"],
      )}
    )`;
  }

  /** Writes what was appended since the last flush; called by the unit of work before commit. */
  async flush(db: CommonQueryMethods): Promise<void> {
    const parts = [];
    const appointments = this.appointmentsPart();
    if (appointments) parts.push(appointments);
    if (this.events.length > 0) {
      parts.push(sql.fragment`appended_events AS (
        INSERT INTO outbox (type, payload)
        SELECT * FROM ${sql.unnest(
          this.events.map((e) => [e.type, JSON.stringify(e)]),
          ["text", "jsonb"],
        )}
      )`);
    }
    if (this.notifications.length > 0) {
      // A reminder that was already written (a job run twice) is not written again. Each notification
      // written is also an outbox event, so that the workers mail it (mail-deliveries.ts); it carries the
      // appointment's calendar_sequence as it stands now, which tells the mail worker whether the
      // appointment has moved or been cancelled since. An appointment inserted by this same statement
      // (appended_appointments) is not visible to it yet: it is new, so its sequence is 0.
      parts.push(sql.fragment`appended_notifications AS (
        INSERT INTO notifications (user_id, kind, text, appointment_id)
        SELECT * FROM ${sql.unnest(
          this.notifications.map((n) => [n.userId, n.kind, n.text, n.appointmentId]),
          ["int4", "text", "text", "int4"],
        )}
        ON CONFLICT DO NOTHING
        RETURNING id, user_id, kind, appointment_id
      ), notification_events AS (
        INSERT INTO outbox (type, payload)
        SELECT 'NotificationCreated', jsonb_build_object(
          'type', 'NotificationCreated', 'notificationId', n.id, 'userId', n.user_id, 'kind', n.kind,
          'appointmentId', n.appointment_id,
          'calendarSequence', CASE WHEN n.appointment_id IS NOT NULL THEN COALESCE(
            (SELECT a.calendar_sequence FROM appointments a WHERE a.id = n.appointment_id), 0) END)
        FROM appended_notifications n
        ORDER BY n.id
      )`);
    }
    if (parts.length === 0) return;
    this.events = [];
    this.notifications = [];
    await db.query(sql.unsafe`WITH ${sql.join(parts, sql.fragment`, `)} SELECT 1`);
  }
}
