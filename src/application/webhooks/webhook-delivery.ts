import type { Clock } from "../../ports/clock.js";
import type { JobQueue, ReceivedJob } from "../../ports/job-queue.js";
import type { Logger } from "../../ports/logger.js";
import type { WebhookSender, WebhookStore } from "../../ports/webhooks.js";
import { eventsOfJob, type ProjectionEvent } from "../projections/projection-event.js";
import { webhookBodyOf, webhookEventOf } from "./webhook-events.js";

interface DeliveryJob {
  readonly webhookId: number;
  readonly eventId: string;
}

const isDeliveryJob = (data: unknown): data is DeliveryJob =>
  typeof data === "object" &&
  data !== null &&
  typeof (data as DeliveryJob).webhookId === "number" &&
  typeof (data as DeliveryJob).eventId === "string";

export interface WebhookRetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** The delay after the first failed attempt; each later one doubles (as BullMQ's exponential backoff). */
  readonly baseMs: number;
}

/** The job id of one delivery; a retry asked through the API gets its own (the failed job keeps its id). */
const jobIdOf = (webhookId: number, eventId: string, retry?: string) =>
  `webhook-${webhookId}-${eventId}${retry ? `-retry-${retry}` : ""}`;

/**
 * Webhooks from the outbox: each projection batch's events become deliveries (one row per subscription
 * and event, so an event relayed twice is delivered once) and one job each on the webhook queue; a job
 * POSTs the signed body, and a receiver's non-2xx makes it retry with backoff until it is marked failed.
 */
export class WebhookDeliveries {
  constructor(
    private readonly store: WebhookStore,
    private readonly queue: JobQueue,
    private readonly sender: WebhookSender,
    private readonly clock: Clock,
    private readonly retry: WebhookRetryPolicy,
    private readonly logger: Logger,
  ) {}

  /** Projection job handler: plans the deliveries of the job's events. */
  readonly plan = async (job: ReceivedJob): Promise<void> => {
    const events = eventsOfJob(job.data);
    const now = this.clock.now();
    const planned = events.flatMap((event) => {
      const hook = webhookEventOf(event);
      return hook
        ? [
            {
              eventId: event.outboxId,
              type: hook.type,
              doctorId: hook.doctorId,
              payload: webhookBodyOf(hook, now),
            },
          ]
        : [];
    });
    const due = planned.length > 0 ? await this.store.plan(planned) : [];
    const retried = events.flatMap(retriedDeliveryOf);
    await this.queue.enqueue([
      ...due.map((d) => ({ id: jobIdOf(d.webhookId, d.eventId), name: "webhook", data: d })),
      ...retried.map((r) => ({
        id: jobIdOf(r.webhookId, r.eventId, r.outboxId),
        name: "webhook",
        data: { webhookId: r.webhookId, eventId: r.eventId } satisfies DeliveryJob,
      })),
    ]);
  };

  /** Webhook job handler: one attempt; throws after a failed one so that the queue retries it. */
  readonly deliver = async (job: ReceivedJob): Promise<void> => {
    if (!isDeliveryJob(job.data)) return;
    const { webhookId, eventId } = job.data;
    const delivery = await this.store.pending(webhookId, eventId);
    // Deleted with its subscription, or delivered by an earlier job.
    if (!delivery || delivery.status === "delivered") return;
    const sent = await this.sender.send({
      url: delivery.url,
      secret: delivery.secret,
      msgId: eventId,
      timestamp: this.clock.now(),
      payload: delivery.payload,
    });
    const code = sent.statusCode;
    if (code !== null && code >= 200 && code < 300) {
      await this.store.recordAttempt(webhookId, eventId, {
        status: "delivered",
        statusCode: code,
        nextAttemptAt: null,
      });
      return;
    }
    const attempt = job.attemptsMade + 1;
    const last = attempt >= this.retry.attempts;
    const delay = this.retry.baseMs * 2 ** (attempt - 1);
    await this.store.recordAttempt(webhookId, eventId, {
      status: last ? "failed" : "pending",
      statusCode: code,
      nextAttemptAt: last ? null : new Date(this.clock.now().getTime() + delay),
    });
    if (last) {
      this.logger.warn({ webhook: webhookId, event: eventId, status: code }, "webhook delivery failed");
    }
    throw new Error(
      code === null
        ? `webhook ${webhookId}: no answer (${sent.error ?? "unknown"})`
        : `webhook ${webhookId}: answered ${code}`,
    );
  };
}

function retriedDeliveryOf(
  event: ProjectionEvent,
): { outboxId: string; webhookId: number; eventId: string }[] {
  if (event.type !== "WebhookDeliveryRetried") return [];
  const payload = event.payload as Partial<{ webhookId: unknown; eventId: unknown }> | null;
  return typeof payload?.webhookId === "number" && typeof payload.eventId === "string"
    ? [{ outboxId: event.outboxId, webhookId: payload.webhookId, eventId: payload.eventId }]
    : [];
}
