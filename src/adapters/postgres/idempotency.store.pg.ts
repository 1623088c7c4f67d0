import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import type { IdempotencyStore } from "../../ports/idempotency.store.js";

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
