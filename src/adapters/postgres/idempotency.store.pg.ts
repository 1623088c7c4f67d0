import { type CommonQueryMethods, type DatabasePool, sql } from "slonik";
import { z } from "zod";
import type { IdempotencyKeyPurger, IdempotencyStore } from "../../ports/idempotency.store.js";

const earlierRow = z.object({ requestHash: z.string(), appointmentId: z.number() });

export class PgIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: CommonQueryMethods) {}

  async lock(userId: number, key: string): Promise<void> {
    await this.db.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtextextended(${`${userId}:${key}`}, 0))`);
  }

  find(userId: number, key: string): Promise<{ requestHash: string; appointmentId: number } | null> {
    return this.db.maybeOne(sql.type(earlierRow)`
      SELECT request_hash AS "requestHash", (response->>'appointmentId')::int AS "appointmentId"
      FROM idempotency_keys WHERE user_id = ${userId} AND key = ${key}
    `);
  }

  async save(userId: number, key: string, requestHash: string, appointmentId: number): Promise<void> {
    await this.db.query(sql.unsafe`
      INSERT INTO idempotency_keys (user_id, key, request_hash, status, response)
      VALUES (${userId}, ${key}, ${requestHash}, 201, ${sql.jsonb({ appointmentId })})
    `);
  }
}

export class PgIdempotencyKeyPurger implements IdempotencyKeyPurger {
  constructor(private readonly pool: DatabasePool) {}

  /** One batch, so that no sweep holds many row locks or runs one long statement. */
  async purgeOlderThan(cutoff: Date, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(sql.unsafe`
      DELETE FROM idempotency_keys
      WHERE ctid IN (
        SELECT ctid FROM idempotency_keys WHERE created_at < ${cutoff.toISOString()}::timestamptz LIMIT ${limit}
      )
    `);
    return rowCount;
  }
}
