/** The in-app notifications of an account. */
import { createRoute, z } from "@hono/zod-openapi";
import type { MarkNotificationsRead } from "../../../application/commands/accounts/mark-notifications-read.js";
import type { VisitQueries } from "../../../application/queries/visits/visit.queries.js";
import { ok } from "../../../domain/shared/result.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import { MAX_READ_IDS } from "../../../ports/notification-inbox.js";
import { NOTIFICATION_KINDS } from "../../../ports/notifier.js";
import type { App } from "../app.js";
import { requireAuth } from "../auth.js";
import { problemResponses } from "../problem.js";
import { respond } from "../respond.js";
import { instant, MAX_ROW_ID } from "../schemas/fields.js";
import { bearer, jsonBody, jsonContent } from "../schemas/openapi.js";
import { PageQuery, toPageRequest } from "../schemas/pages.js";

export interface NotificationRouteDeps {
  readonly authenticator: Authenticator;
  readonly visits: VisitQueries;
  readonly markNotificationsRead: MarkNotificationsRead;
}

const NotificationSchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(NOTIFICATION_KINDS),
    text: z.string(),
    appointment_id: z.number().int().nullable(),
    created_at: instant("2026-12-01T09:30:00.000Z"),
    read_at: z.string().nullable(),
  })
  .openapi("Notification", {
    example: {
      id: 31,
      kind: "booked",
      text: "Mia Rivera has seat 3 with Ayesha Khan on 2026-12-07 at 09:30.",
      appointment_id: 101,
      created_at: "2026-12-01T09:30:00.000Z",
      read_at: null,
    },
  });

const NotificationPage = z
  .object({
    data: z.array(NotificationSchema),
    page: z.number().int(),
    per_page: z.number().int(),
    total: z
      .number()
      .int()
      .openapi({ description: "How many the pages hold (only unread ones with `unread=true`)" }),
    unread: z.number().int().openapi({ description: "How many of the account's notifications are unread" }),
  })
  .openapi("NotificationPage", {
    example: {
      data: [
        {
          id: 31,
          kind: "booked",
          text: "Mia Rivera has seat 3 with Ayesha Khan on 2026-12-07 at 09:30.",
          appointment_id: 101,
          created_at: "2026-12-01T09:30:00.000Z",
          read_at: null,
        },
      ],
      page: 1,
      per_page: 20,
      total: 1,
      unread: 1,
    },
  });

const NotificationQuery = PageQuery.extend({
  unread: z
    .enum(["true", "false"])
    .optional()
    .openapi({ description: "`true`: only the unread notifications", example: "true" }),
});

const ReadNotificationsBody = z
  .object({
    ids: z
      .array(z.number().int().min(1).max(MAX_ROW_ID))
      .max(MAX_READ_IDS)
      .optional()
      .openapi({
        description: `At most ${MAX_READ_IDS} notification ids; default every notification. Ids that are not the caller's are ignored.`,
        example: [31, 30],
      }),
  })
  .openapi("ReadNotifications");

const UnreadCount = z
  .object({ unread: z.number().int().openapi({ description: "How many stay unread", example: 0 }) })
  .openapi("UnreadCount", { example: { unread: 0 } });

export function registerNotificationRoutes(app: App, deps: NotificationRouteDeps) {
  const signedIn = requireAuth(deps.authenticator);

  app.openapi(
    createRoute({
      method: "get",
      path: "/users/notifications",
      tags: ["Users"],
      summary: "The caller's notifications, newest first",
      description:
        "In-app notices: bookings, cancellations, seats from the waitlist, reminders 24 h and 2 h before, suspensions.",
      security: bearer,
      middleware: [signedIn],
      request: { query: NotificationQuery },
      responses: {
        200: { description: "A page of notifications", content: jsonContent(NotificationPage) },
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const page = await deps.visits.notifications(
        c.get("principal"),
        toPageRequest(query),
        query.unread === "true",
      );
      return respond(c, ok(page), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/users/notifications/read",
      tags: ["Users"],
      summary: "Mark notifications read",
      description:
        "The caller's notifications among `ids` (every one without `ids`) become read; ids of other accounts' " +
        "notifications or unknown ones are ignored. Answers how many stay unread.",
      security: bearer,
      middleware: [signedIn],
      request: { body: jsonBody(ReadNotificationsBody) },
      responses: {
        200: { description: "How many stay unread", content: jsonContent(UnreadCount) },
        ...problemResponses(400, 401),
      },
    }),
    async (c) =>
      respond(c, await deps.markNotificationsRead.execute(c.get("principal"), c.req.valid("json").ids), 200),
  );
}
