import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import { ROLES } from "../../domain/user/user.js";
import type { SessionStore, StoredSession } from "../../ports/session.store.js";

const sessionRow = z.object({
  userId: z.number(),
  role: z.enum(ROLES),
  expiresAt: z.coerce.date(),
  revokedAt: z.coerce.date().nullable(),
});

export class PgSessionStore implements SessionStore {
  constructor(private readonly db: CommonQueryMethods) {}

  async create(session: { tokenDigest: string; userId: number; expiresAt: Date }): Promise<void> {
    await this.db.query(sql.unsafe`
      INSERT INTO sessions (token_hash, user_id, expires_at)
      VALUES (${session.tokenDigest}, ${session.userId}, ${sql.timestamp(session.expiresAt)})
    `);
  }

  async find(tokenDigest: string): Promise<StoredSession | null> {
    // Parsed here: the pool has no result parser, so timestamps arrive as epoch milliseconds.
    const row = await this.db.maybeOne(sql.type(sessionRow)`
      SELECT s.user_id AS "userId", u.role, s.expires_at AS "expiresAt", s.revoked_at AS "revokedAt"
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = ${tokenDigest}
    `);
    return row && sessionRow.parse(row);
  }

  async extend(tokenDigest: string, expiresAt: Date): Promise<void> {
    await this.db.query(sql.unsafe`
      UPDATE sessions SET expires_at = ${sql.timestamp(expiresAt)}
      WHERE token_hash = ${tokenDigest} AND revoked_at IS NULL AND expires_at < ${sql.timestamp(expiresAt)}
    `);
  }

  async revoke(tokenDigest: string, at: Date): Promise<void> {
    await this.db.query(sql.unsafe`
      UPDATE sessions SET revoked_at = ${sql.timestamp(at)}
      WHERE token_hash = ${tokenDigest} AND revoked_at IS NULL
    `);
  }
}
