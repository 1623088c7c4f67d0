import { type DatabasePool, sql } from "slonik";
import { z } from "zod";
import {
  type DeliveryRecord,
  type NewWebhook,
  type PendingDelivery,
  type PlannedDelivery,
  WEBHOOK_EVENT_TYPES,
  type WebhookRecord,
  type WebhookStore,
} from "../../ports/webhooks.js";

const webhookRow = z.object({
  id: z.number(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  createdAt: z.coerce.date(),
});
const WEBHOOK_COLUMNS = sql.fragment`id, url, events, created_at AS "createdAt"`;

const statusEnum = z.enum(["pending", "delivered", "failed"]);
const deliveryRow = z.object({
  eventId: z.string(),
  type: z.string(),
  attempts: z.number(),
  status: statusEnum,
  lastStatusCode: z.number().nullable(),
  nextAttemptAt: z.coerce.date().nullable(),
});
const pendingRow = z.object({
  webhookId: z.number(),
  eventId: z.string(),
  url: z.string(),
  secret: z.string(),
  payload: z.string(),
  status: statusEnum,
  attempts: z.number(),
});
const pairRow = z.object({ webhookId: z.number(), eventId: z.string() });
const count = z.object({ n: z.number() });
const statusRow = z.object({ status: statusEnum });

export class PgWebhookStore implements WebhookStore {
  constructor(private readonly pool: DatabasePool) {}

  async create(webhook: NewWebhook, maxPerAccount: number): Promise<WebhookRecord | "limit_reached"> {
    return this.pool.transaction(async (tx) => {
      // The account's row lock serialises its creations: a second one counts after the first commits.
      await tx.query(sql.unsafe`SELECT 1 FROM users WHERE id = ${webhook.userId} FOR UPDATE`);
      const held = await tx.oneFirst(
        sql.type(count)`SELECT count(*)::int AS n FROM webhooks WHERE user_id = ${webhook.userId}`,
      );
      if (held >= maxPerAccount) return "limit_reached" as const;
      return tx.one(sql.type(webhookRow)`
        INSERT INTO webhooks (user_id, doctor_id, url, events, secret)
        VALUES (${webhook.userId}, ${webhook.doctorId}, ${webhook.url},
                ${sql.array([...webhook.events], "text")}, ${webhook.secret})
        RETURNING ${WEBHOOK_COLUMNS}
      `);
    });
  }

  async listOf(userId: number): Promise<WebhookRecord[]> {
    return [
      ...(await this.pool.any(sql.type(webhookRow)`
        SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE user_id = ${userId} ORDER BY id
      `)),
    ];
  }

  async delete(userId: number, webhookId: number): Promise<boolean> {
    const deleted = await this.pool.query(sql.unsafe`
      DELETE FROM webhooks WHERE id = ${webhookId} AND user_id = ${userId}
    `);
    return deleted.rowCount > 0;
  }

  async owns(userId: number, webhookId: number): Promise<boolean> {
    return this.pool.exists(sql.unsafe`
      SELECT 1 FROM webhooks WHERE id = ${webhookId} AND user_id = ${userId}
    `);
  }

  async deliveries(webhookId: number, offset: number, limit: number) {
    const rows = await this.pool.any(sql.type(deliveryRow)`
      SELECT event_id AS "eventId", type, attempts, status, last_status_code AS "lastStatusCode",
             next_attempt_at AS "nextAttemptAt"
      FROM webhook_deliveries WHERE webhook_id = ${webhookId}
      ORDER BY created_at DESC, event_id DESC
      OFFSET ${offset} LIMIT ${limit}
    `);
    const total = await this.pool.oneFirst(sql.type(count)`
      SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = ${webhookId}
    `);
    return { rows: [...rows] as DeliveryRecord[], total };
  }

  async requeue(userId: number, webhookId: number, eventId: string) {
    return this.pool.transaction(async (tx) => {
      const found = await tx.maybeOne(sql.type(statusRow)`
        SELECT d.status FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
        WHERE d.webhook_id = ${webhookId} AND d.event_id = ${eventId} AND w.user_id = ${userId}
        FOR UPDATE OF d
      `);
      if (!found) return "not_found" as const;
      if (found.status !== "failed") return "not_failed" as const;
      await tx.query(sql.unsafe`
        UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now()
        WHERE webhook_id = ${webhookId} AND event_id = ${eventId}
      `);
      await tx.query(sql.unsafe`
        INSERT INTO outbox (type, payload)
        VALUES ('WebhookDeliveryRetried', ${sql.jsonb({ type: "WebhookDeliveryRetried", webhookId, eventId })})
      `);
      return "requeued" as const;
    });
  }

  async plan(deliveries: readonly PlannedDelivery[]) {
    if (deliveries.length === 0) return [];
    // Every subscription that wants the event: the doctor's own, and admins' (doctor_id null). An event
    // planned again (relayed twice) keeps its row, and comes back only while it is still pending.
    const rows = await this.pool.any(sql.type(pairRow)`
      WITH planned AS (
        SELECT * FROM unnest(
          ${sql.array(
            deliveries.map((d) => d.eventId),
            "text",
          )}::text[],
          ${sql.array(
            deliveries.map((d) => d.type),
            "text",
          )}::text[],
          ${sql.array(
            deliveries.map((d) => d.doctorId ?? 0),
            "int4",
          )}::int4[],
          ${sql.array(
            deliveries.map((d) => d.payload),
            "text",
          )}::text[]
        ) AS p (event_id, type, doctor_id, payload)
      )
      INSERT INTO webhook_deliveries (webhook_id, event_id, type, payload)
      SELECT w.id, p.event_id, p.type, p.payload
      FROM planned p JOIN webhooks w
        ON p.type = ANY(w.events) AND (w.doctor_id IS NULL OR w.doctor_id = p.doctor_id)
      ON CONFLICT (webhook_id, event_id) DO UPDATE SET type = EXCLUDED.type
        WHERE webhook_deliveries.status = 'pending'
      RETURNING webhook_id AS "webhookId", event_id AS "eventId"
    `);
    return rows;
  }

  async pending(webhookId: number, eventId: string): Promise<PendingDelivery | null> {
    return this.pool.maybeOne(sql.type(pendingRow)`
      SELECT d.webhook_id AS "webhookId", d.event_id AS "eventId", w.url, w.secret, d.payload, d.status,
             d.attempts
      FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
      WHERE d.webhook_id = ${webhookId} AND d.event_id = ${eventId}
    `);
  }

  async recordAttempt(
    webhookId: number,
    eventId: string,
    outcome: { status: string; statusCode: number | null; nextAttemptAt: Date | null },
  ): Promise<void> {
    await this.pool.query(sql.unsafe`
      UPDATE webhook_deliveries
      SET attempts = attempts + 1, status = ${outcome.status}, last_status_code = ${outcome.statusCode},
          next_attempt_at = ${outcome.nextAttemptAt ? sql.timestamp(outcome.nextAttemptAt) : null}
      WHERE webhook_id = ${webhookId} AND event_id = ${eventId} AND status <> 'delivered'
    `);
  }
}
