import { createRoute, z } from "@hono/zod-openapi";
import type { CancelAppointmentByDoctor } from "../../../application/commands/booking/cancel-appointment.js";
import type { RetireSlot } from "../../../application/commands/schedule/retire-slot.js";
import type { RemoveTimeOff, TakeTimeOff } from "../../../application/commands/schedule/time-off.js";
import type { DoctorQueries } from "../../../application/queries/doctors/doctor.queries.js";
import type { PatientQueries } from "../../../application/queries/patients/patient.queries.js";
import { toTimeOffView } from "../../../application/queries/views.js";
import { ok } from "../../../domain/shared/result.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import type { App } from "../app.js";
import { requireAuth, requireRole } from "../auth.js";
import { appErrorResponse, problemAnswer, problemResponses } from "../problem.js";
import { respond, respondNoContent } from "../respond.js";
import { AppointmentSchema } from "../schemas/appointment.js";
import { calendarDate, DateString, IdParam } from "../schemas/fields.js";
import { bearer, jsonBody, jsonContent } from "../schemas/openapi.js";
import { listOfSchema } from "../schemas/pages.js";
import { singleLineText } from "../text.js";

export interface ScheduleRouteDeps {
  readonly authenticator: Authenticator;
  readonly doctors: DoctorQueries;
  readonly patients: PatientQueries;
  readonly takeTimeOff: TakeTimeOff;
  readonly removeTimeOff: RemoveTimeOff;
  readonly retireSlot: RetireSlot;
  readonly cancelByDoctor: CancelAppointmentByDoctor;
}

/** 1 to 500 characters once trimmed: patients are told it. */
const Reason = singleLineText({ max: 500 })
  .transform((r) => r.trim())
  .pipe(z.string().min(1, "must not be blank"));

const NewTimeOffBody = z
  .object({
    from: DateString.openapi({ description: "First date off (the doctor's zone), today or later" }),
    to: DateString.openapi({
      example: "2026-12-11",
      description: "Last date off (inclusive), at most 366 dates from `from`",
    }),
    reason: Reason.optional().openapi({
      example: "conference",
      description: 'Told to the patients; default "doctor unavailable"',
    }),
  })
  .openapi("NewTimeOff");

const TimeOffSchema = z
  .object({
    id: z.number().int(),
    from: calendarDate(),
    to: calendarDate(),
    reason: z.string().nullable(),
  })
  .openapi("TimeOff", { example: { id: 4, from: "2026-12-07", to: "2026-12-11", reason: "conference" } });

const TakenTimeOffSchema = TimeOffSchema.extend({
  cancelled_appointments: z.number().int().openapi({ description: "Live appointments cancelled by it" }),
}).openapi("TakenTimeOff", {
  example: { id: 4, from: "2026-12-07", to: "2026-12-11", reason: "conference", cancelled_appointments: 3 },
});

const RetirementQuery = z.object({
  from: DateString.optional().openapi({
    description: "First date without a sitting (the doctor's zone); default today",
  }),
});

const RetirementSchema = z
  .object({
    slot_id: z.number().int(),
    from: calendarDate(),
    cancelled_appointments: z.number().int(),
  })
  .openapi("SlotRetirement", { example: { slot_id: 7, from: "2026-12-14", cancelled_appointments: 2 } });

const DoctorCancelBody = z
  .object({
    reason: Reason.openapi({ example: "called to an emergency", description: "Told to the patient" }),
  })
  .openapi("DoctorCancel");

const closesSittings =
  "Every sitting concerned that has not started closes in the same transaction: its booked appointments become " +
  "`cancelled` with `cancelled_by: doctor` and the reason, its waiting entries end, and every owner gets a " +
  "`sitting_closed` notification. Booking or waiting for a closed sitting then answers 409 `sitting_closed`, " +
  "and timings show it with `status: closed` and `closed_reason`.";

export function registerScheduleRoutes(app: App, deps: ScheduleRouteDeps) {
  const doctorOnly = [requireAuth(deps.authenticator), requireRole("doctor")] as const;
  const tags = ["Doctors"];

  app.openapi(
    createRoute({
      method: "get",
      path: "/doctors/time_off",
      tags,
      summary: "The doctor's time off, current and upcoming",
      description: "Time offs that end today or later (in the doctor's zone), earliest first.",
      security: bearer,
      middleware: [...doctorOnly],
      responses: {
        200: {
          description: "Current and upcoming time off",
          content: jsonContent(listOfSchema(TimeOffSchema, "TimeOffList")),
        },
        ...problemResponses(401, 403),
      },
    }),
    async (c) => respond(c, await deps.doctors.ownTimeOff(c.get("principal").userId), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/doctors/time_off",
      tags,
      summary: "Take time off: close every sitting on those dates",
      description: `${closesSittings} A second time off over the same dates is allowed and changes nothing more.`,
      security: bearer,
      middleware: [...doctorOnly],
      request: { body: jsonBody(NewTimeOffBody) },
      responses: {
        201: {
          description: "The time off, with how many appointments it cancelled",
          content: jsonContent(TakenTimeOffSchema),
        },
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const taken = await deps.takeTimeOff.execute(c.get("principal"), body);
      return respond(
        c,
        taken.ok
          ? ok({
              ...toTimeOffView(taken.value.timeOff),
              cancelled_appointments: taken.value.cancelledAppointments,
            })
          : taken,
        201,
        () => "/doctors/time_off",
      );
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/doctors/time_off/{id}",
      tags,
      summary: "End a time off: its sittings take bookings again",
      description: "Appointments it cancelled stay cancelled. Another doctor's time off is answered 404.",
      security: bearer,
      middleware: [...doctorOnly],
      request: { params: IdParam },
      responses: { 204: { description: "Removed" }, ...problemResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const removed = await deps.removeTimeOff.execute(c.get("principal"), c.req.valid("param").id);
      return respondNoContent(c, removed);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/doctors/slots/{id}",
      tags,
      summary: "Retire a weekly slot from a date",
      description:
        `Its sittings on or after \`from\` no longer take place (reason "slot retired"). ${closesSittings} ` +
        "The slot leaves the doctor's profile, `/doctors/slot/{id}` and search, and its time can be taken by a new " +
        "slot; past appointments keep it. Another doctor's slot, or one retired already, is answered 404.",
      security: bearer,
      middleware: [...doctorOnly],
      request: { params: IdParam, query: RetirementQuery },
      responses: {
        200: { description: "Retired", content: jsonContent(RetirementSchema) },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const retired = await deps.retireSlot.execute(
        c.get("principal"),
        c.req.valid("param").id,
        c.req.valid("query").from,
      );
      return respond(
        c,
        retired.ok
          ? ok({
              slot_id: retired.value.slotId,
              from: retired.value.from,
              cancelled_appointments: retired.value.cancelledAppointments,
            })
          : retired,
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/doctors/appointments/{id}/cancel",
      tags,
      summary: "The doctor cancels one appointment, with a reason",
      description:
        "Only a booked appointment of this doctor, until its sitting ends. The patient's account gets a " +
        "`cancelled_by_doctor` notification with the reason; the seat goes to the first patient waiting. " +
        "Another doctor's appointment is answered 404.",
      security: bearer,
      middleware: [...doctorOnly],
      request: { params: IdParam, body: jsonBody(DoctorCancelBody) },
      responses: {
        200: { description: "The cancelled appointment", content: jsonContent(AppointmentSchema) },
        ...problemResponses(400, 401, 403, 404),
        ...problemAnswer(409, "The appointment is not booked any more, or its sitting has ended", [
          { code: "illegal_transition", detail: "An appointment that is arrived cannot become cancelled." },
          { code: "sitting_ended", detail: "The sitting has already ended; it can no longer be cancelled." },
        ]),
      },
    }),
    async (c) => {
      const cancelled = await deps.cancelByDoctor.execute(
        c.get("principal"),
        c.req.valid("param").id,
        c.req.valid("json").reason,
      );
      if (!cancelled.ok) return appErrorResponse(c, cancelled.error);
      return respond(c, await deps.patients.appointment(cancelled.value.appointmentId), 200);
    },
  );
}
