import { type CommonQueryMethods, sql } from "slonik";
import type { DomainEvent } from "../../domain/events.js";
import type { Notification, Notifier } from "../../ports/notifier.js";
import type { OutboxWriter } from "../../ports/outbox.js";

/**
 * The rows a transaction only appends and never reads back — outbox events and in-app notifications —
 * held until the unit of work is about to commit and then written in one statement: a booking makes one
 * round trip to Postgres fewer. They commit or roll back with everything else, as before. Every
 * notification written adds a NotificationCreated event to the outbox in the same statement.
 */
export class AppendedRows implements OutboxWriter, Notifier {
  private events: DomainEvent[] = [];
  private notifications: Notification[] = [];

  async append(events: readonly DomainEvent[]): Promise<void> {
    this.events.push(...events);
  }

  async notify(notification: Notification): Promise<void> {
    this.notifications.push(notification);
  }

  /** Writes what was appended since the last flush; called by the unit of work before commit. */
  async flush(db: CommonQueryMethods): Promise<void> {
    const parts = [];
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
      // appointment has moved or been cancelled since.
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
          'calendarSequence', (SELECT a.calendar_sequence FROM appointments a WHERE a.id = n.appointment_id))
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
