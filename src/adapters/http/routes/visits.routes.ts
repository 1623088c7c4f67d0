import { createRoute, z } from "@hono/zod-openapi";
import type { MarkNotificationsRead } from "../../../application/commands/accounts/mark-notifications-read.js";
import type { JoinWaitlist, LeaveWaitlist } from "../../../application/commands/booking/waitlist.js";
import type { ChangeVisitStatus } from "../../../application/commands/visits/change-visit-status.js";
import type { RateAppointment } from "../../../application/commands/visits/rate-appointment.js";
import type { PatientQueries } from "../../../application/queries/patients/patient.queries.js";
import type { VisitQueries } from "../../../application/queries/visits/visit.queries.js";
import { ok } from "../../../domain/shared/result.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import { MAX_READ_IDS } from "../../../ports/notification-inbox.js";
import { NOTIFICATION_KINDS } from "../../../ports/notifier.js";
import type { App } from "../app.js";
import { requireAuth, requireRole } from "../auth.js";
import { appErrorResponse, problemResponses } from "../problem.js";
import { respond, respondNoContent, respondPublicRead } from "../respond.js";
import {
  AppointmentSchema,
  bearer,
  DateString,
  exampleOf,
  IdParam,
  instant,
  jsonBody,
  jsonContent,
  PageQuery,
  pageOfSchema,
  publicReadResponses,
  SittingSchema,
  toPageRequest,
} from "../schemas.js";
import { multiLineText } from "../text.js";
import { conflictAnswer, ownSlotAnswer } from "../trust-answers.js";

export interface VisitRouteDeps {
  readonly authenticator: Authenticator;
  readonly visits: VisitQueries;
  readonly patients: PatientQueries;
  readonly changeVisitStatus: ChangeVisitStatus;
  readonly rateAppointment: RateAppointment;
  readonly joinWaitlist: JoinWaitlist;
  readonly leaveWaitlist: LeaveWaitlist;
  readonly markNotificationsRead: MarkNotificationsRead;
}

const MAX_ID = 2_147_483_647;

const DoctorDay = z
  .object({ data: z.array(z.object({ sitting: SittingSchema, appointments: z.array(AppointmentSchema) })) })
  .openapi("DoctorDay", {
    example: { data: [{ sitting: exampleOf(SittingSchema), appointments: [exampleOf(AppointmentSchema)] }] },
  });

const StatusBody = z.object({ status: z.enum(["arrived", "fulfilled", "noshow"]) }).openapi("VisitStatus");

const RatingBody = z
  .object({
    rating: z.number().int().min(1).max(5).openapi({ example: 5 }),
    review: multiLineText({ max: 2000 }).nullish().openapi({ example: "Listened carefully, on time." }),
  })
  .openapi("NewRating");

const RatingSchema = z
  .object({
    id: z.number().int(),
    rating: z.number().int(),
    review: z.string().nullable(),
    created_at: instant("2026-12-01T09:30:00.000Z"),
  })
  .openapi("Rating", {
    example: { id: 9, rating: 5, review: "Calm and thorough.", created_at: "2026-12-01T09:30:00.000Z" },
  });

const Review = z
  .object({
    rating: z.number().int(),
    review: z.string().nullable(),
    created_at: instant("2026-12-01T09:30:00.000Z"),
  })
  .openapi("Review", {
    example: { rating: 5, review: "Calm and thorough.", created_at: "2026-12-01T09:30:00.000Z" },
  });

const WaitlistBody = z
  .object({
    slot_id: z.number().int().min(1).max(MAX_ID),
    patient_id: z.number().int().min(1).max(MAX_ID),
    date: DateString,
  })
  .openapi("NewWaitlistEntry");

const WaitlistEntry = z
  .object({ id: z.number().int(), position: z.number().int().openapi({ description: "1 = next in line" }) })
  .openapi("WaitlistEntry", { example: { id: 14, position: 2 } });

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
      .array(z.number().int().min(1).max(MAX_ID))
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

export function registerVisitRoutes(app: App, deps: VisitRouteDeps) {
  const signedIn = requireAuth(deps.authenticator);
  const doctorOnly = [signedIn, requireRole("doctor")] as const;

  app.openapi(
    createRoute({
      method: "get",
      path: "/doctors/appointments",
      tags: ["Visits"],
      summary: "The calling doctor's queues of one day, in seat order",
      description:
        "Each of the day's sittings with its appointments in seat order; `date` defaults to today in the doctor's time zone.",
      security: bearer,
      middleware: [...doctorOnly],
      request: { query: z.object({ date: DateString.optional() }) },
      responses: {
        200: { description: "Each sitting of the day with its queue", content: jsonContent(DoctorDay) },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => respond(c, await deps.visits.doctorDay(c.get("principal"), c.req.valid("query").date), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/doctors/appointments/{id}/status",
      tags: ["Visits"],
      summary: "Record a visit: booked→arrived→fulfilled, booked|arrived→noshow, once the sitting started",
      description: "Only the doctor of the appointment; any other transition is 409 `illegal_transition`.",
      security: bearer,
      middleware: [...doctorOnly],
      request: { params: IdParam, body: jsonBody(StatusBody) },
      responses: {
        200: { description: "The appointment", content: jsonContent(AppointmentSchema) },
        ...problemResponses(400, 401, 403, 404, 409),
      },
    }),
    async (c) => {
      const changed = await deps.changeVisitStatus.execute(
        c.get("principal"),
        c.req.valid("param").id,
        c.req.valid("json").status,
      );
      if (!changed.ok) return appErrorResponse(c, changed.error);
      return respond(c, await deps.patients.appointment(changed.value.appointmentId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/patient/appointment/{id}/rating",
      tags: ["Visits"],
      summary: "Rate a fulfilled visit, once (owner only)",
      description:
        "1–5 with an optional review; the doctor's `rating` is the mean of its ratings. A doctor cannot rate its own visits (403).",
      security: bearer,
      middleware: [signedIn],
      request: { params: IdParam, body: jsonBody(RatingBody) },
      responses: {
        201: { description: "The rating", content: jsonContent(RatingSchema) },
        ...problemResponses(400, 401, 404, 409),
        ...ownSlotAnswer,
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const rated = await deps.rateAppointment.execute(c.get("principal"), c.req.valid("param").id, {
        rating: body.rating,
        review: body.review ?? null,
      });
      const view = rated.ok
        ? ok({
            id: rated.value.id,
            rating: rated.value.rating,
            review: rated.value.review,
            created_at: rated.value.createdAt.toISOString(),
          })
        : rated;
      return respond(c, view, 201, () => `/patient/appointment/${c.req.valid("param").id}`);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/doctors/{id}/reviews",
      tags: ["Visits"],
      summary: "A doctor's reviews, newest first",
      description: "A doctor not verified by an admin (or suspended) is answered as missing: 404.",
      request: { params: IdParam, query: PageQuery },
      responses: {
        ...publicReadResponses("A page of reviews", pageOfSchema(Review, "ReviewPage")),
        ...problemResponses(400, 404),
      },
    }),
    async (c) =>
      respondPublicRead(
        c,
        await deps.visits.reviews(c.req.valid("param").id, toPageRequest(c.req.valid("query"))),
      ),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/patient/waitlist",
      tags: ["Visits"],
      summary: "Wait for a seat in a full sitting; a freed seat goes to the first one waiting",
      description:
        "For a full sitting only (else 409: book instead). When a seat frees up, the first waiting patient is booked into it and notified.",
      security: bearer,
      middleware: [signedIn],
      request: { body: jsonBody(WaitlistBody) },
      responses: {
        201: { description: "The entry and its place in line", content: jsonContent(WaitlistEntry) },
        ...problemResponses(400, 401, 404),
        ...ownSlotAnswer,
        ...conflictAnswer("`sitting_not_full` (book instead), `already_booked`, `already_waiting`", [
          "waitingEntriesPerAccount",
          "seatsPerSittingPerAccount",
        ]),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const joined = await deps.joinWaitlist.execute(c.get("principal"), {
        slotId: body.slot_id,
        patientId: body.patient_id,
        date: body.date,
      });
      return respond(c, joined, 201, (entry) => `/patient/waitlist/${entry.id}`);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/patient/waitlist/{id}",
      tags: ["Visits"],
      summary: "Leave a waitlist (owner only)",
      description: "Removes a waiting entry that has not been seated yet.",
      security: bearer,
      middleware: [signedIn],
      request: { params: IdParam },
      responses: { 204: { description: "Left" }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const left = await deps.leaveWaitlist.execute(c.get("principal"), c.req.valid("param").id);
      return respondNoContent(c, left);
    },
  );

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
