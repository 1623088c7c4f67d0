import { appError, err, ok, type Result } from "../../domain/shared/result.js";
import type { Principal } from "../../domain/user/principal.js";
import type { DoctorReadModel } from "../../ports/doctor.read-model.js";
import type {
  DeliveryStatus,
  WebhookEventType,
  WebhookSigner,
  WebhookStore,
  WebhookTargetGuard,
} from "../../ports/webhooks.js";
import { offsetOf, type Page, type PageRequest, pageOf } from "../queries/page.js";

export interface WebhookView {
  readonly id: number;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly created_at: string;
}

export interface CreatedWebhookView extends WebhookView {
  /** Shown in this answer only. */
  readonly secret: string;
}

export interface DeliveryView {
  readonly event_id: string;
  readonly type: string;
  readonly attempts: number;
  readonly status: DeliveryStatus;
  readonly last_status_code: number | null;
  readonly next_attempt_at: string | null;
}

const notFound = appError("not_found", "not_found", "No such webhook among the caller's.");
const deliveryNotFound = appError("not_found", "not_found", "No such delivery of the caller's webhook.");

/** Subscriptions of doctors (their own events) and admins (every event), and their delivery logs. */
export class Webhooks {
  constructor(
    private readonly store: WebhookStore,
    private readonly doctors: Pick<DoctorReadModel, "doctorIdOfUser">,
    private readonly guard: WebhookTargetGuard,
    private readonly signer: WebhookSigner,
    private readonly maxPerAccount: number,
  ) {}

  async create(
    principal: Principal,
    input: { readonly url: string; readonly events: readonly WebhookEventType[] },
  ): Promise<Result<CreatedWebhookView>> {
    const refusal = await this.guard.refusal(input.url);
    if (refusal !== null) {
      return err(
        appError("validation", "invalid_webhook_url", `The webhook URL is refused: ${refusal}.`, {
          errors: [{ path: "url", message: refusal }],
        }),
      );
    }
    let doctorId: number | null = null;
    if (principal.role === "doctor") {
      doctorId = await this.doctors.doctorIdOfUser(principal.userId);
      if (doctorId === null) return err(notFound);
    }
    const secret = this.signer.newSecret();
    const events = [...new Set(input.events)];
    const created = await this.store.create(
      { userId: principal.userId, doctorId, url: input.url, events, secret },
      this.maxPerAccount,
    );
    if (created === "limit_reached") {
      return err(
        appError(
          "conflict",
          "limit_reached",
          `An account may hold at most ${this.maxPerAccount} webhooks; delete one first.`,
        ),
      );
    }
    return ok({ ...viewOf(created), secret });
  }

  async list(principal: Principal): Promise<Result<{ data: WebhookView[] }>> {
    return ok({ data: (await this.store.listOf(principal.userId)).map(viewOf) });
  }

  async delete(principal: Principal, webhookId: number): Promise<Result<true>> {
    return (await this.store.delete(principal.userId, webhookId)) ? ok(true) : err(notFound);
  }

  async deliveries(
    principal: Principal,
    webhookId: number,
    page: PageRequest,
  ): Promise<Result<Page<DeliveryView>>> {
    if (!(await this.store.owns(principal.userId, webhookId))) return err(notFound);
    const { rows, total } = await this.store.deliveries(webhookId, offsetOf(page), page.perPage);
    return ok(
      pageOf(
        rows.map((d) => ({
          event_id: d.eventId,
          type: d.type,
          attempts: d.attempts,
          status: d.status,
          last_status_code: d.lastStatusCode,
          next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
        })),
        page,
        total,
      ),
    );
  }

  /** Sends a failed delivery again (from the outbox, by the workers), with fresh attempts. */
  async retry(principal: Principal, webhookId: number, eventId: string): Promise<Result<true>> {
    const outcome = await this.store.requeue(principal.userId, webhookId, eventId);
    if (outcome === "not_found") return err(deliveryNotFound);
    if (outcome === "not_failed") {
      return err(
        appError(
          "conflict",
          "delivery_not_failed",
          "Only a failed delivery can be retried; this one is delivered or still being tried.",
        ),
      );
    }
    return ok(true);
  }
}

const viewOf = (w: {
  id: number;
  url: string;
  events: readonly WebhookEventType[];
  createdAt: Date;
}): WebhookView => ({ id: w.id, url: w.url, events: w.events, created_at: w.createdAt.toISOString() });
