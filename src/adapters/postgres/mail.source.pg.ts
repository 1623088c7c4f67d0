import { type DatabasePool, sql } from "slonik";
import { z } from "zod";
import type {
  MailSource,
  NotificationToMail,
  PasswordResetStore,
  PasswordResetToMail,
} from "../../ports/mail.js";

// Epoch milliseconds as the pool returns timestamps, or a Date once a typed query has parsed them.
const epochDate = z.coerce.date();

const notificationRow = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  kind: z.string(),
  text: z.string(),
  appointmentId: z.number().nullable(),
  mailedAt: epochDate.nullable(),
});

const resetRow = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  expiresAt: epochDate,
  usedAt: epochDate.nullable(),
  mailedAt: epochDate.nullable(),
});

/** What the mail worker reads and records; an erased account's rows are never mailed. */
export class PgMailSource implements MailSource {
  constructor(private readonly pool: DatabasePool) {}

  async notification(id: number): Promise<NotificationToMail | null> {
    const row = await this.pool.maybeOne(sql.type(notificationRow)`
      SELECT n.id, u.email, u.name, n.kind, n.text, n.appointment_id AS "appointmentId", n.mailed_at AS "mailedAt"
      FROM notifications n JOIN users u ON u.id = n.user_id
      WHERE n.id = ${id} AND u.erased_at IS NULL
    `);
    return row ? notificationRow.parse(row) : null;
  }

  async markNotificationMailed(id: number, at: Date): Promise<void> {
    await this.pool.query(
      sql.unsafe`UPDATE notifications SET mailed_at = ${sql.timestamp(at)} WHERE id = ${id} AND mailed_at IS NULL`,
    );
  }

  async passwordReset(id: number): Promise<PasswordResetToMail | null> {
    const row = await this.pool.maybeOne(sql.type(resetRow)`
      SELECT r.id, u.email, u.name, r.expires_at AS "expiresAt", r.used_at AS "usedAt", r.mailed_at AS "mailedAt"
      FROM password_resets r JOIN users u ON u.id = r.user_id
      WHERE r.id = ${id} AND u.erased_at IS NULL
    `);
    return row ? resetRow.parse(row) : null;
  }

  async setResetToken(id: number, tokenDigest: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(sql.unsafe`
      UPDATE password_resets SET token_digest = ${tokenDigest} WHERE id = ${id} AND used_at IS NULL
    `);
    return rowCount > 0;
  }

  async markResetMailed(id: number, at: Date): Promise<void> {
    await this.pool.query(
      sql.unsafe`UPDATE password_resets SET mailed_at = ${sql.timestamp(at)} WHERE id = ${id} AND mailed_at IS NULL`,
    );
  }
}

export class PgPasswordResetStore implements PasswordResetStore {
  constructor(private readonly pool: DatabasePool) {}

  async request(email: string, requestedAt: Date, expiresAt: Date): Promise<void> {
    // One statement either way: an unknown address finds no account and inserts nothing.
    await this.pool.query(sql.unsafe`
      WITH account AS (
        SELECT id FROM users WHERE email = ${email} AND erased_at IS NULL
      ), reset AS (
        INSERT INTO password_resets (user_id, requested_at, expires_at)
        SELECT id, ${sql.timestamp(requestedAt)}, ${sql.timestamp(expiresAt)} FROM account
        RETURNING id
      )
      INSERT INTO outbox (type, payload)
      SELECT 'PasswordResetRequested', jsonb_build_object('type', 'PasswordResetRequested', 'resetId', id)
      FROM reset
    `);
  }

  async purgeEnded(now: Date, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(sql.unsafe`
      DELETE FROM password_resets
      WHERE id IN (
        SELECT id FROM password_resets
        WHERE expires_at <= ${sql.timestamp(now)} OR used_at IS NOT NULL
        LIMIT ${limit}
      )
    `);
    return rowCount;
  }
}
