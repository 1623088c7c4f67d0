import { type CommonQueryMethods, sql } from "slonik";
import type { DomainEvent } from "../../domain/events.js";
import type { OutboxWriter } from "../../ports/outbox.js";

export class PgOutboxWriter implements OutboxWriter {
  constructor(private readonly db: CommonQueryMethods) {}

  async append(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.query(sql.unsafe`
      INSERT INTO outbox (type, payload)
      SELECT * FROM ${sql.unnest(
        events.map((e) => [e.type, JSON.stringify(e)]),
        ["text", "jsonb"],
      )}
    `);
  }
}
