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

  async erase(id: number): Promise<void> {
    await this.db.query(sql.unsafe`
      WITH n AS (DELETE FROM notifications WHERE user_id = ${id}),
           k AS (DELETE FROM idempotency_keys WHERE user_id = ${id}),
           w AS (DELETE FROM webhooks WHERE user_id = ${id})
      UPDATE users SET name = ${ERASED_ACCOUNT_NAME}, email = ${erasedEmail(id)}, password_hash = '!',
        erased_at = now()
      WHERE id = ${id} AND erased_at IS NULL
    `);
  }
}
