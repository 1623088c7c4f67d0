import { type CommonQueryMethods, type DatabasePool, sql } from "slonik";
import { z } from "zod";
import { ROLES } from "../../domain/user/user.js";
import {
  LAST_USED_RESOLUTION_MS,
  type NewSession,
  type SessionPurger,
  type SessionStore,
  type SessionSummary,
  type StoredSession,
} from "../../ports/session.store.js";

const sessionRow = z.object({
  id: z.number(),
  userId: z.number(),
  role: z.enum(ROLES),
  expiresAt: z.coerce.date(),
  absoluteExpiresAt: z.coerce.date(),
  revokedAt: z.coerce.date().nullable(),
  lastUsedAt: z.coerce.date(),
});

const summaryRow = z.object({
  id: z.number(),
  createdAt: z.coerce.date(),
  lastUsedAt: z.coerce.date(),
  expiresAt: z.coerce.date(),
});

const SESSION_COLUMNS = sql.fragment`
  s.id, s.user_id AS "userId", u.role, s.expires_at AS "expiresAt",
  s.absolute_expires_at AS "absoluteExpiresAt", s.revoked_at AS "revokedAt", s.last_used_at AS "lastUsedAt"
`;

/** Not revoked and not past its (sliding) end at `now`; the sliding end never passes the absolute one. */
const live = (now: Date) => sql.fragment`revoked_at IS NULL AND expires_at > ${sql.timestamp(now)}`;

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
      SELECT ${SESSION_COLUMNS}
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = ${tokenDigest}
    `);
    return row && sessionRow.parse(row);
  }

  async use(tokenDigest: string, now: Date): Promise<StoredSession | null> {
    // One statement: the SELECT reads the snapshot from before the UPDATE, which writes only when the
    // last recorded use is over a minute old (so most requests write nothing).
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    const row = await this.db.maybeOne(sql.type(sessionRow)`
      WITH touched AS (
        UPDATE sessions SET last_used_at = ${sql.timestamp(now)}
        WHERE token_hash = ${tokenDigest} AND ${live(now)} AND last_used_at < ${sql.timestamp(stale)}
        RETURNING id
      )
      SELECT ${SESSION_COLUMNS}
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = ${tokenDigest}
    `);
    return row && sessionRow.parse(row);
  }

  async listLive(userId: number, now: Date): Promise<SessionSummary[]> {
    const rows = await this.db.any(sql.type(summaryRow)`
      SELECT id, created_at AS "createdAt", last_used_at AS "lastUsedAt", expires_at AS "expiresAt"
      FROM sessions
      WHERE user_id = ${userId} AND ${live(now)}
      ORDER BY created_at DESC, id DESC
    `);
    return rows.map((r) => summaryRow.parse(r));
  }

  async revokeById(userId: number, sessionId: number, at: Date): Promise<boolean> {
    const { rowCount } = await this.db.query(sql.unsafe`
      UPDATE sessions SET revoked_at = ${sql.timestamp(at)}
      WHERE id = ${sessionId} AND user_id = ${userId} AND ${live(at)}
    `);
    return rowCount > 0;
  }

  async revokeAll(userId: number, at: Date, except?: number): Promise<number> {
    const kept = except === undefined ? sql.fragment`` : sql.fragment`AND id <> ${except}`;
    const { rowCount } = await this.db.query(sql.unsafe`
      UPDATE sessions SET revoked_at = ${sql.timestamp(at)}
      WHERE user_id = ${userId} AND ${live(at)} ${kept}
    `);
    return rowCount;
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
