import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { IssueCalendarFeed } from "../../../application/commands/calendar/issue-calendar-feed.js";
import {
  type CalendarQueries,
  calendarFeedNotFound,
} from "../../../application/queries/calendar/calendar.queries.js";
import type { Result } from "../../../domain/shared/result.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import type { App } from "../app.js";
import { requireAuth, requireRole } from "../auth.js";
import { encodedAnswer } from "../compressed.js";
import { appErrorResponse, problemAnswer, problemResponses } from "../problem.js";
import { IdParam } from "../schemas/fields.js";
import { bearer, jsonContent } from "../schemas/openapi.js";

export interface CalendarRouteDeps {
  readonly authenticator: Authenticator;
  readonly calendars: CalendarQueries;
  readonly issueCalendarFeed: IssueCalendarFeed;
}

const ICALENDAR = "text/calendar; charset=utf-8";

const ICalendarSchema = z.string().openapi("ICalendar", {
  description: "An iCalendar (RFC 5545) document, lines ending in CRLF; all times in UTC.",
  example:
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Doctorly//Doctorly//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n" +
    "UID:appointment-42@doctorly.example\r\nSEQUENCE:0\r\nDTSTAMP:20261203T120000Z\r\n" +
    "DTSTART:20261207T093000Z\r\nDTEND:20261207T094500Z\r\nSUMMARY:Appointment with Dr Ada Lee\r\n" +
    "STATUS:CONFIRMED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
});

const CalendarFeedSchema = z
  .object({
    url: z.string().url().openapi({
      description: "The secret feed URL, on PUBLIC_BASE_URL; shown only in this answer",
      example: "https://doctorly.example/calendar/doctors/k3xq7ab2mzp4c6vd5ewh2jty7rn4fsgu3bq5lxa6.ics",
    }),
  })
  .openapi("CalendarFeed", {
    example: {
      url: "https://doctorly.example/calendar/doctors/k3xq7ab2mzp4c6vd5ewh2jty7rn4fsgu3bq5lxa6.ics",
    },
  });

/** The last segment of a feed URL: the token (lower-case base32) then `.ics`. */
const FEED_FILE = /^([a-z2-7]{20,100})\.ics$/;

const FeedParam = z.object({
  file: z.string().openapi({
    param: { name: "file", in: "path" },
    example: "k3xq7ab2mzp4c6vd5ewh2jty7rn4fsgu3bq5lxa6.ics",
    description: "The feed's secret token followed by `.ics`; anything else is answered 404",
  }),
});

function answerCalendar(c: Context, result: Result<string>): Response {
  if (!result.ok) return appErrorResponse(c, result.error);
  return encodedAnswer(c, 200, result.value, {
    "content-type": ICALENDAR,
    "cache-control": "private, no-cache",
  });
}

export function registerCalendarRoutes(app: App, deps: CalendarRouteDeps) {
  const signedIn = requireAuth(deps.authenticator);

  app.openapi(
    createRoute({
      method: "get",
      path: "/patient/appointment/{id}/calendar.ics",
      tags: ["Patients and appointments"],
      summary: "One appointment as an iCalendar invite (owner only)",
      description:
        "One `VEVENT`: `UID` `appointment-{id}@{host of PUBLIC_BASE_URL}` for the life of the appointment, " +
        "`DTSTART` its expected time, `DTEND` one appointment duration later, `SUMMARY` with the doctor's " +
        "name, no symptoms. `METHOD:REQUEST` (`STATUS:CONFIRMED`), or `METHOD:CANCEL` with `STATUS:CANCELLED` " +
        "once cancelled. `SEQUENCE` is 0 as booked and rises by one with each move and with the cancel (the " +
        "same value as in the mailed invites), so a calendar app replaces its copy. Another account's appointment is answered 404, as a missing one.",
      security: bearer,
      middleware: [signedIn],
      request: { params: IdParam },
      responses: {
        200: {
          description: "The appointment as iCalendar",
          content: { "text/calendar": { schema: ICalendarSchema } },
        },
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) =>
      answerCalendar(c, await deps.calendars.appointmentInvite(c.get("principal"), c.req.valid("param").id)),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/doctors/calendar_feed",
      tags: ["Doctors"],
      summary: "A new secret calendar feed URL for the doctor",
      description:
        "The URL holds a random secret (only its digest is kept), so that any calendar app can subscribe " +
        "without signing in: keep it private. A new call replaces the doctor's earlier URL, which then " +
        "answers 404.",
      security: bearer,
      middleware: [signedIn, requireRole("doctor")],
      responses: {
        201: { description: "The feed URL, shown this once", content: jsonContent(CalendarFeedSchema) },
        ...problemResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const issued = await deps.issueCalendarFeed.execute(c.get("principal"));
      if (!issued.ok) return appErrorResponse(c, issued.error);
      // Location is the feed itself (on this server); the body's URL is the one on PUBLIC_BASE_URL.
      return c.json(issued.value, 201, {
        "cache-control": "no-store",
        location: new URL(issued.value.url).pathname,
      });
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/calendar/doctors/{file}",
      tags: ["Doctors"],
      summary: "A doctor's calendar feed (the secret URL from POST /doctors/calendar_feed)",
      description:
        "No bearer: the secret is in the URL. The doctor's sittings from today (in the doctor's zone) to the end " +
        "of the booking horizon, a closed one with `STATUS:CANCELLED`, and their live appointments at their " +
        "expected times, each patient by seat and first name only. An unknown or replaced URL is answered 404.",
      request: { params: FeedParam },
      responses: {
        200: {
          description: "The feed as iCalendar (`METHOD:PUBLISH`)",
          content: { "text/calendar": { schema: ICalendarSchema } },
        },
        ...problemAnswer(404, "No such feed, or it was replaced", [
          { code: "calendar_feed_not_found", detail: calendarFeedNotFound.detail },
        ]),
      },
    }),
    async (c) => {
      const token = FEED_FILE.exec(c.req.valid("param").file)?.[1];
      if (token === undefined) return appErrorResponse(c, calendarFeedNotFound);
      return answerCalendar(c, await deps.calendars.doctorFeed(token));
    },
  );
}
