/** The event names a subscription may ask for (API.md "Webhooks"). */
export const WEBHOOK_EVENT_TYPES = [
  "appointment.booked",
  "appointment.cancelled",
  "appointment.rescheduled",
  "appointment.status_changed",
  "sitting.closed",
  "doctor.updated",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** A subscription as its owner reads it: never with its secret. */
export interface WebhookRecord {
  readonly id: number;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly createdAt: Date;
}

export interface NewWebhook {
  readonly userId: number;
  /** The doctor whose events it receives; null for an admin's (every event). */
  readonly doctorId: number | null;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly secret: string;
}

export interface DeliveryRecord {
  readonly eventId: string;
  readonly type: string;
  readonly attempts: number;
  readonly status: DeliveryStatus;
  readonly lastStatusCode: number | null;
  readonly nextAttemptAt: Date | null;
}

/** What a delivery job needs: the target, the secret that signs and the body to send. */
export interface PendingDelivery {
  readonly webhookId: number;
  readonly eventId: string;
  readonly url: string;
  readonly secret: string;
  readonly payload: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
}

export interface PlannedDelivery {
  readonly eventId: string;
  readonly type: WebhookEventType;
  /** The doctor the event is about (subscriptions of that doctor and of admins get it), or null (admins only). */
  readonly doctorId: number | null;
  readonly payload: string;
}

export interface WebhookStore {
  /**
   * Adds the subscription unless the account already holds `maxPerAccount`: the count and the insert
   * run under the account's lock, so parallel creations never go past the cap.
   */
  create(webhook: NewWebhook, maxPerAccount: number): Promise<WebhookRecord | "limit_reached">;
  listOf(userId: number): Promise<WebhookRecord[]>;
  /** Deletes the account's subscription (and its deliveries); false when it is not the account's. */
  delete(userId: number, webhookId: number): Promise<boolean>;
  /** Whether the subscription is the account's. */
  owns(userId: number, webhookId: number): Promise<boolean>;
  /** The subscription's deliveries, newest first, with how many there are. */
  deliveries(
    webhookId: number,
    offset: number,
    limit: number,
  ): Promise<{ readonly rows: DeliveryRecord[]; readonly total: number }>;
  /**
   * Makes a failed delivery of the account's subscription pending again and appends
   * WebhookDeliveryRetried to the outbox in the same transaction. "not_found" when there is no such
   * delivery of the account's, "not_failed" when it is pending or delivered.
   */
  requeue(
    userId: number,
    webhookId: number,
    eventId: string,
  ): Promise<"requeued" | "not_found" | "not_failed">;
  /**
   * Adds a delivery for every subscription that wants the event (at most one per subscription and
   * event); returns the (webhook, event) pairs still to deliver, new or pending before.
   */
  plan(
    deliveries: readonly PlannedDelivery[],
  ): Promise<readonly { readonly webhookId: number; readonly eventId: string }[]>;
  pending(webhookId: number, eventId: string): Promise<PendingDelivery | null>;
  /** Records one attempt's outcome. */
  recordAttempt(
    webhookId: number,
    eventId: string,
    outcome: {
      readonly status: DeliveryStatus;
      readonly statusCode: number | null;
      readonly nextAttemptAt: Date | null;
    },
  ): Promise<void>;
}

/** Why a target URL is refused (a sentence for the `url` field), or null when it may be called. */
export interface WebhookTargetGuard {
  refusal(url: string): Promise<string | null>;
}

export interface WebhookSigner {
  /** A new secret, in the form the Standard Webhooks convention shows (`whsec_…`). */
  newSecret(): string;
}

/** What one POST to a receiver came to: its status code, or null when no answer came (refused, timeout). */
export interface WebhookSendResult {
  readonly statusCode: number | null;
  /** Why there was no answer, or the target was refused: for the logs, never with the secret. */
  readonly error?: string;
}

export interface WebhookSender {
  send(delivery: {
    readonly url: string;
    readonly secret: string;
    readonly msgId: string;
    readonly timestamp: Date;
    readonly payload: string;
  }): Promise<WebhookSendResult>;
}

export const WEBHOOK_STORE = Symbol.for("doctorly.WebhookStore");
export const WEBHOOK_TARGET_GUARD = Symbol.for("doctorly.WebhookTargetGuard");
export const WEBHOOK_SIGNER = Symbol.for("doctorly.WebhookSigner");
export const WEBHOOK_SENDER = Symbol.for("doctorly.WebhookSender");
