import { createRoute, z } from "@hono/zod-openapi";
import type { Webhooks } from "../../../application/webhooks/webhooks.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import { WEBHOOK_EVENT_TYPES } from "../../../ports/webhooks.js";
import type { App } from "../app.js";
import { requireAuth, requireRole } from "../auth.js";
import { appErrorResponse, problemAnswer, problemResponses } from "../problem.js";
import { respond, respondNoContent } from "../respond.js";
import { IdParam, instant } from "../schemas/fields.js";
import { bearer, jsonBody, jsonContent } from "../schemas/openapi.js";
import { PageQuery, pageOfSchema, toPageRequest } from "../schemas/pages.js";
import { singleLineText } from "../text.js";

export interface WebhookRouteDeps {
  readonly authenticator: Authenticator;
  readonly webhooks: Webhooks;
}

const EventName = z.enum(WEBHOOK_EVENT_TYPES);

const NewWebhookBody = z
  .object({
    url: singleLineText({ max: 2000 })
      .pipe(z.url({ message: "must be an absolute URL" }))
      .openapi({
        example: "https://clinic.example/hooks/doctorly",
        description:
          "An `https` URL without credentials that does not resolve to a loopback, private or link-local address",
      }),
    events: z
      .array(EventName)
      .min(1)
      .max(WEBHOOK_EVENT_TYPES.length * 2)
      .openapi({ example: ["appointment.booked", "appointment.cancelled"] }),
  })
  .openapi("NewWebhook");

const WEBHOOK_EXAMPLE = {
  id: 12,
  url: "https://clinic.example/hooks/doctorly",
  events: ["appointment.booked", "appointment.cancelled"],
  created_at: "2026-12-01T09:30:00.000Z",
};

const WebhookSchema = z
  .object({
    id: z.number().int(),
    url: z.string(),
    events: z.array(EventName),
    created_at: instant("2026-12-01T09:30:00.000Z"),
  })
  .openapi("Webhook", { example: WEBHOOK_EXAMPLE });

const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().openapi({
    description: "Signs every delivery (Standard Webhooks, HMAC-SHA256); shown in this answer only",
  }),
}).openapi("CreatedWebhook", {
  example: { ...WEBHOOK_EXAMPLE, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
});

const WebhookList = z.object({ data: z.array(WebhookSchema) }).openapi("WebhookList", {
  example: { data: [WEBHOOK_EXAMPLE] },
});

const DELIVERY_EXAMPLE = {
  event_id: "4711",
  type: "appointment.booked",
  attempts: 2,
  status: "delivered" as const,
  last_status_code: 200,
  next_attempt_at: null,
};

const DeliverySchema = z
  .object({
    event_id: z.string().openapi({ description: "The event's id, sent as `webhook-id`" }),
    type: z.string(),
    attempts: z.number().int(),
    status: z.enum(["pending", "delivered", "failed"]),
    last_status_code: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The receiver's last status code; null before an answer came" }),
    next_attempt_at: z.string().nullable().openapi({
      description: "When the next attempt is due (pending after a failure); null otherwise",
      example: null,
    }),
  })
  .openapi("WebhookDelivery", { example: DELIVERY_EXAMPLE });

const DeliveryPage = pageOfSchema(DeliverySchema, "WebhookDeliveryPage").openapi("WebhookDeliveryPage", {
  example: { data: [DELIVERY_EXAMPLE], page: 1, per_page: 20, total: 1 },
});

const WebhookIdParam = IdParam.extend({ id: IdParam.shape.id.openapi({ description: "webhook id" }) });
const DeliveryParams = WebhookIdParam.extend({
  event_id: z
    .string()
    .regex(/^[1-9][0-9]{0,17}$/, "must be an event id")
    .openapi({ param: { name: "event_id", in: "path" }, example: "4711" }),
});

const RetriedSchema = z
  .object({ event_id: z.string(), status: z.literal("pending") })
  .openapi("WebhookDeliveryRetried", { example: { event_id: "4711", status: "pending" } });

const describesEvents =
  "Events: `appointment.booked`, `appointment.cancelled`, `appointment.rescheduled`, " +
  "`appointment.status_changed`, `sitting.closed` (time off or a retired slot), `doctor.updated`. A doctor's " +
  "subscription gets the events of its own appointments and sittings, an admin's every event. Each delivery " +
  "is a POST of `{type, timestamp, data}` (ids and non-personal facts) signed per Standard Webhooks " +
  "(`webhook-id` is the event id, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256>`); 2xx " +
  "within 10 s is success, anything else (redirects too) is retried with exponential backoff for about a " +
  "day, then the delivery is `failed`.";

/** Webhook subscriptions of doctors and admins (API.md "Webhooks"); delivery runs in the workers. */
export function registerWebhookRoutes(app: App, deps: WebhookRouteDeps) {
  const doctorOrAdmin = [requireAuth(deps.authenticator), requireRole("doctor", "admin")] as const;
  const tags = ["Webhooks"];

  app.openapi(
    createRoute({
      method: "post",
      path: "/webhooks",
      tags,
      summary: "Subscribe a URL to events; the signing secret is shown once",
      description: `${describesEvents} At most 10 subscriptions per account (409 \`limit_reached\`).`,
      security: bearer,
      middleware: [...doctorOrAdmin],
      request: { body: jsonBody(NewWebhookBody) },
      responses: {
        201: { description: "The subscription, with its secret", content: jsonContent(CreatedWebhookSchema) },
        ...problemResponses(400, 401, 403),
        ...problemAnswer(409, "The account holds as many webhooks as it may", [
          { code: "limit_reached", detail: "An account may hold at most 10 webhooks; delete one first." },
        ]),
      },
    }),
    async (c) =>
      respond(
        c,
        await deps.webhooks.create(c.get("principal"), c.req.valid("json")),
        201,
        (w) => `/webhooks/${w.id}`,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/webhooks",
      tags,
      summary: "The caller's webhook subscriptions (without their secrets)",
      description: "Only the caller's own subscriptions, oldest first; the secrets are never shown again.",
      security: bearer,
      middleware: [...doctorOrAdmin],
      responses: {
        200: { description: "The caller's subscriptions, oldest first", content: jsonContent(WebhookList) },
        ...problemResponses(401, 403),
      },
    }),
    async (c) => respond(c, await deps.webhooks.list(c.get("principal")), 200),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/webhooks/{id}",
      tags,
      summary: "Delete a subscription and its delivery log",
      description: "Another account's subscription is answered 404.",
      security: bearer,
      middleware: [...doctorOrAdmin],
      request: { params: WebhookIdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const deleted = await deps.webhooks.delete(c.get("principal"), c.req.valid("param").id);
      return respondNoContent(c, deleted);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/webhooks/{id}/deliveries",
      tags,
      summary: "The subscription's deliveries, newest first",
      description: "Attempts, status and the receiver's last status code (its answer's body is never kept).",
      security: bearer,
      middleware: [...doctorOrAdmin],
      request: { params: WebhookIdParam, query: PageQuery },
      responses: {
        200: { description: "A page of deliveries", content: jsonContent(DeliveryPage) },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) =>
      respond(
        c,
        await deps.webhooks.deliveries(
          c.get("principal"),
          c.req.valid("param").id,
          toPageRequest(c.req.valid("query")),
        ),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/webhooks/{id}/deliveries/{event_id}/retry",
      tags,
      summary: "Send a failed delivery again",
      description:
        "The delivery becomes `pending` and the workers send it again, with a fresh round of retries. " +
        "A delivery of another account's subscription is answered 404.",
      security: bearer,
      middleware: [...doctorOrAdmin],
      request: { params: DeliveryParams },
      responses: {
        202: { description: "Queued again", content: jsonContent(RetriedSchema) },
        ...problemResponses(400, 401, 403, 404),
        ...problemAnswer(409, "The delivery has not failed", [
          {
            code: "delivery_not_failed",
            detail: "Only a failed delivery can be retried; this one is delivered or still being tried.",
          },
        ]),
      },
    }),
    async (c) => {
      const { id, event_id } = c.req.valid("param");
      const retried = await deps.webhooks.retry(c.get("principal"), id, event_id);
      if (!retried.ok) return appErrorResponse(c, retried.error);
      return c.json({ event_id, status: "pending" as const }, 202);
    },
  );
}
