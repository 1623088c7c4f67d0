import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import type { NotificationInbox } from "../../ports/notification-inbox.js";

const count = z.object({ n: z.number() });

export class PgNotificationInbox implements NotificationInbox {
  constructor(private readonly db: CommonQueryMethods) {}

  /**
   * One statement: the count reads the snapshot from before the UPDATE, so the ones it marks are taken
   * off. Both use the partial index of unread notifications.
   */
  async markRead(userId: number, ids: readonly number[] | null, at: Date): Promise<number> {
    const among = ids === null ? sql.fragment`` : sql.fragment`AND id = ANY(${sql.array(ids, "int4")})`;
    return this.db.oneFirst(sql.type(count)`
      WITH marked AS (
        UPDATE notifications SET read_at = ${sql.timestamp(at)}
        WHERE user_id = ${userId} AND read_at IS NULL ${among}
        RETURNING id
      )
      SELECT (
        (SELECT count(*) FROM notifications WHERE user_id = ${userId} AND read_at IS NULL)
        - (SELECT count(*) FROM marked)
      )::int AS n
    `);
  }
}
