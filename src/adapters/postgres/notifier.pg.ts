import { type CommonQueryMethods, sql } from "slonik";
import type { Notification, Notifier } from "../../ports/notifier.js";

/** In-app notifications: rows in `notifications`, written in the transaction of the change they describe. */
export class PgInAppNotifier implements Notifier {
  constructor(private readonly db: CommonQueryMethods) {}

  async notify(n: Notification): Promise<void> {
    // A reminder that was already written (a job run twice) is not written again.
    await this.db.query(sql.unsafe`
      INSERT INTO notifications (user_id, kind, text, appointment_id)
      VALUES (${n.userId}, ${n.kind}, ${n.text}, ${n.appointmentId})
      ON CONFLICT DO NOTHING
    `);
  }
}
