/** A doctor's day and the visits it records (arrived, fulfilled, no-show). */
import { createRoute, z } from "@hono/zod-openapi";
import type { ChangeVisitStatus } from "../../../application/commands/visits/change-visit-status.js";
import type { PatientQueries } from "../../../application/queries/patients/patient.queries.js";
import type { VisitQueries } from "../../../application/queries/visits/visit.queries.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import type { App } from "../app.js";
import { requireAuth, requireRole } from "../auth.js";
import { appErrorResponse, problemResponses } from "../problem.js";
import { respond } from "../respond.js";
import { AppointmentSchema } from "../schemas/appointment.js";
import { DateString, IdParam } from "../schemas/fields.js";
import { bearer, jsonBody, jsonContent } from "../schemas/openapi.js";
import { exampleOf } from "../schemas/pages.js";
import { SittingSchema } from "../schemas/sitting.js";

export interface VisitRouteDeps {
  readonly authenticator: Authenticator;
  readonly visits: VisitQueries;
  readonly patients: PatientQueries;
  readonly changeVisitStatus: ChangeVisitStatus;
}

const DoctorDay = z
  .object({ data: z.array(z.object({ sitting: SittingSchema, appointments: z.array(AppointmentSchema) })) })
  .openapi("DoctorDay", {
    example: { data: [{ sitting: exampleOf(SittingSchema), appointments: [exampleOf(AppointmentSchema)] }] },
  });

const StatusBody = z.object({ status: z.enum(["arrived", "fulfilled", "noshow"]) }).openapi("VisitStatus");

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
}
