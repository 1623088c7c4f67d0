import { type DatabasePool, sql } from "slonik";
import { z } from "zod";
import type { OutboxEntry, OutboxReader } from "../../ports/outbox-reader.js";

const entryRow = z.object({ id: z.string(), type: z.string(), payload: z.unknown(), createdAt: z.string() });

export class PgOutboxReader implements OutboxReader {
  /** `table` exists so that tests can relay from a private copy of the outbox; production uses `outbox`. */
  constructor(
    private readonly pool: DatabasePool,
    private readonly table = "outbox",
  ) {}

  async publishBatch(
    limit: number,
    publish: (entries: readonly OutboxEntry[]) => Promise<void>,
  ): Promise<number> {
    const table = sql.identifier([this.table]);
    return this.pool.transaction(async (tx) => {
      // SKIP LOCKED: relays running side by side each take different rows instead of waiting.
      const entries = await tx.any(sql.type(entryRow)`
        SELECT id::text AS id, type, payload, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt"
        FROM ${table}
        WHERE published_at IS NULL
        ORDER BY id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      `);
      if (entries.length === 0) return 0;
      // Publishing happens inside the transaction on purpose: a crash or rollback after publishing only makes
      // the next relay publish the same entries again (collapsed by job id, or applied twice, which the
      // idempotent projections absorb); marking first and publishing after commit could lose events.
      await publish(entries);
      await tx.query(sql.unsafe`
        UPDATE ${table} SET published_at = now()
        WHERE id = ANY(${sql.array(
          entries.map((e) => e.id),
          "int8",
        )})
      `);
      return entries.length;
    });
  }
}
