import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import type { User } from "../../domain/user/account.js";
import { ROLES } from "../../domain/user/user.js";
import {
  ERASED_ACCOUNT_NAME,
  type NewUser,
  type UserCredentials,
  type UserRepository,
} from "../../ports/user.repository.js";

const userRow = z.object({
  id: z.number(),
  name: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  registeredAt: z.coerce.date(),
  confirmed: z.boolean(),
});

const credentialsRow = userRow.extend({ passwordHash: z.string() });

const USER_COLUMNS = sql.fragment`id, name, email, role, registered_at AS "registeredAt", confirmed`;

const toUser = (row: unknown): User => userRow.parse(row);

/**
 * Works on the pool and on a transaction alike. Rows are parsed here because the pool has no result
 * parser: `sql.type` alone only types the row, it does not turn timestamps (epoch ms) into Dates.
 */
/** An erased account's email: never a deliverable address (`.invalid`), unique per account. */
const erasedEmail = (id: number) => `erased-${id}@erased.invalid`;

export class PgUserRepository implements UserRepository {
  constructor(private readonly db: CommonQueryMethods) {}

  async add(user: NewUser): Promise<User> {
    const row = await this.db.one(sql.type(userRow)`
      INSERT INTO users (name, email, role, password_hash)
      VALUES (${user.name}, ${user.email}, ${user.role}, ${user.passwordHash})
      RETURNING ${USER_COLUMNS}
    `);
    return toUser(row);
  }

  async byId(id: number): Promise<User | null> {
    const row = await this.db.maybeOne(sql.type(userRow)`SELECT ${USER_COLUMNS} FROM users WHERE id = ${id}`);
    return row && toUser(row);
  }

  async credentialsByEmail(email: string): Promise<UserCredentials | null> {
    const row = await this.db.maybeOne(sql.type(credentialsRow)`
      SELECT ${USER_COLUMNS}, password_hash AS "passwordHash" FROM users WHERE email = ${email}
    `);
    return row && credentialsRow.parse(row);
  }

  async credentialsById(id: number): Promise<UserCredentials | null> {
    const row = await this.db.maybeOne(sql.type(credentialsRow)`
      SELECT ${USER_COLUMNS}, password_hash AS "passwordHash" FROM users WHERE id = ${id}
    `);
    return row && credentialsRow.parse(row);
  }

  async setPasswordHash(id: number, passwordHash: string): Promise<boolean> {
    const { rowCount } = await this.db.query(
      sql.unsafe`UPDATE users SET password_hash = ${passwordHash} WHERE id = ${id}`,
    );
    return rowCount > 0;
  }

  async consumePasswordReset(tokenDigest: string, now: Date): Promise<number | null> {
    const rows = await this.db.any(sql.type(z.object({ userId: z.number() }))`
      WITH found AS (
        SELECT r.user_id FROM password_resets r JOIN users u ON u.id = r.user_id
        WHERE r.token_digest = ${tokenDigest} AND r.used_at IS NULL
          AND r.expires_at > ${sql.timestamp(now)} AND u.erased_at IS NULL
        FOR UPDATE OF r
      )
      UPDATE password_resets r SET used_at = ${sql.timestamp(now)}
      FROM found WHERE r.user_id = found.user_id AND r.used_at IS NULL
      RETURNING r.user_id AS "userId"
    `);
    return rows[0]?.userId ?? null;
  }

  async erase(id: number): Promise<void> {
    await this.db.query(sql.unsafe`
      WITH n AS (DELETE FROM notifications WHERE user_id = ${id}),
           k AS (DELETE FROM idempotency_keys WHERE user_id = ${id}),
           w AS (DELETE FROM webhooks WHERE user_id = ${id}),
           r AS (DELETE FROM password_resets WHERE user_id = ${id})
      UPDATE users SET name = ${ERASED_ACCOUNT_NAME}, email = ${erasedEmail(id)}, password_hash = '!',
        erased_at = now()
      WHERE id = ${id} AND erased_at IS NULL
    `);
  }
}
