import { type CommonQueryMethods, type DatabasePool, sql } from "slonik";
import { z } from "zod";
import { ROLES } from "../../domain/user/user.js";
import type { NewSession, SessionPurger, SessionStore, StoredSession } from "../../ports/session.store.js";

const sessionRow = z.object({
  userId: z.number(),
  role: z.enum(ROLES),
  expiresAt: z.coerce.date(),
  absoluteExpiresAt: z.coerce.date(),
  revokedAt: z.coerce.date().nullable(),
});

export class PgSessionStore implements SessionStore {
  constructor(private readonly db: CommonQueryMethods) {}

  async create(session: NewSession): Promise<void> {
    await this.db.query(sql.unsafe`
      INSERT INTO sessions (token_hash, user_id, expires_at, absolute_expires_at)
      VALUES (
        ${session.tokenDigest}, ${session.userId},
        ${sql.timestamp(session.expiresAt)}, ${sql.timestamp(session.absoluteExpiresAt)}
      )
    `);
  }

  async find(tokenDigest: string): Promise<StoredSession | null> {
    // Parsed here: the pool has no result parser, so timestamps arrive as epoch milliseconds.
    const row = await this.db.maybeOne(sql.type(sessionRow)`
      SELECT s.user_id AS "userId", u.role, s.expires_at AS "expiresAt",
        s.absolute_expires_at AS "absoluteExpiresAt", s.revoked_at AS "revokedAt"
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = ${tokenDigest}
    `);
    return row && sessionRow.parse(row);
  }

  async extend(tokenDigest: string, expiresAt: Date): Promise<void> {
    await this.db.query(sql.unsafe`
      UPDATE sessions SET expires_at = LEAST(${sql.timestamp(expiresAt)}, absolute_expires_at)
      WHERE token_hash = ${tokenDigest} AND revoked_at IS NULL AND expires_at < ${sql.timestamp(expiresAt)}
        AND expires_at < absolute_expires_at
    `);
  }

  async revoke(tokenDigest: string, at: Date): Promise<void> {
    await this.db.query(sql.unsafe`
      UPDATE sessions SET revoked_at = ${sql.timestamp(at)}
      WHERE token_hash = ${tokenDigest} AND revoked_at IS NULL
    `);
  }
}

export class PgSessionPurger implements SessionPurger {
  constructor(private readonly pool: DatabasePool) {}

  /**
   * One batch, like the Idempotency-Key purge, so that no sweep holds many row locks or runs one long
   * statement. `expires_at` never passes the absolute end, so it alone says a session has expired.
   */
  async purgeEnded(now: Date, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(sql.unsafe`
      DELETE FROM sessions
      WHERE ctid IN (
        SELECT ctid FROM sessions
        WHERE expires_at <= ${sql.timestamp(now)} OR revoked_at IS NOT NULL
        LIMIT ${limit}
      )
    `);
    return rowCount;
  }
}
