import { createRoute, z } from "@hono/zod-openapi";
import type { BookAppointment } from "../../../application/commands/booking/book-appointment.js";
import type { CancelAppointment } from "../../../application/commands/booking/cancel-appointment.js";
import type { RescheduleAppointment } from "../../../application/commands/booking/reschedule-appointment.js";
import type { ChangePatient } from "../../../application/commands/patients/change-patient.js";
import type { DeletePatient } from "../../../application/commands/patients/delete-patient.js";
import type { RegisterPatient } from "../../../application/commands/patients/register-patient.js";
import type { PatientQueries } from "../../../application/queries/patients/patient.queries.js";
import { toAppointmentView, toPatientView } from "../../../application/queries/views.js";
import { ok } from "../../../domain/shared/result.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import type { App } from "../app.js";
import { requireAuth } from "../auth.js";
import { appErrorResponse, problemResponses } from "../problem.js";
import { respond, respondNoContent } from "../respond.js";
import { AppointmentSchema } from "../schemas/appointment.js";
import { DateString, IdParam, MAX_ROW_ID } from "../schemas/fields.js";
import { bearer, jsonBody, jsonContent } from "../schemas/openapi.js";
import { PageQuery, pageOfSchema, toPageRequest } from "../schemas/pages.js";
import { PatientSchema } from "../schemas/patient.js";
import { multiLineText, singleLineText } from "../text.js";
import { conflictAnswer, ownSlotAnswer } from "../trust-answers.js";

export interface PatientRouteDeps {
  readonly authenticator: Authenticator;
  readonly patients: PatientQueries;
  readonly registerPatient: RegisterPatient;
  readonly bookAppointment: BookAppointment;
  readonly cancelAppointment: CancelAppointment;
  readonly changePatient: ChangePatient;
  readonly deletePatient: DeletePatient;
  readonly rescheduleAppointment: RescheduleAppointment;
}

/** The fields of a patient, checked alike when it is registered and when it is changed. */
const patientFields = {
  name: () => singleLineText().trim().min(1).max(100).openapi({ example: "Sara Khan" }),
  age: () => z.number().int().min(0).max(150).openapi({ example: 34 }),
  gender: () =>
    singleLineText({ max: 20 })
      .transform((g) => g.trim().toLowerCase())
      .pipe(z.enum(["male", "female", "other"]))
      .openapi({ example: "female" }),
  symptoms: () => multiLineText({ max: 2000 }).nullish().openapi({ example: "fever for three days" }),
};

const NewPatientBody = z
  .object({
    name: patientFields.name(),
    age: patientFields.age(),
    gender: patientFields.gender(),
    symptoms: patientFields.symptoms(),
  })
  .openapi("NewPatient");

const PatientChangeBody = z
  .object({
    name: patientFields.name().optional(),
    age: patientFields.age().optional(),
    gender: patientFields.gender().optional(),
    symptoms: patientFields.symptoms(),
  })
  .openapi("PatientChange", {
    description:
      "The fields to change, at least one; those left out stay as they are. `symptoms: null` clears them.",
    example: { age: 35, symptoms: null },
  });

const NewAppointmentBody = z
  .object({
    slot_id: z.number().int().min(1).max(MAX_ROW_ID),
    patient_id: z.number().int().min(1).max(MAX_ROW_ID),
    date: DateString.optional().openapi({
      description: "Sitting date; default: the earliest with a free seat",
    }),
  })
  .openapi("NewAppointment");

const RescheduleBody = z
  .object({
    slot_id: z.number().int().min(1).max(MAX_ROW_ID).optional().openapi({
      description: "A slot of the same doctor; default the appointment's own",
    }),
    date: DateString.optional().openapi({
      description: "Sitting date; default: the earliest with a free seat other than the current one",
    }),
  })
  .openapi("Reschedule");

const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
    .optional()
    .openapi({ param: { name: "idempotency-key", in: "header" }, example: "8e0f6f4e-booking-1" }),
});

const PatientList = pageOfSchema(PatientSchema, "PatientPage");
const AppointmentList = pageOfSchema(AppointmentSchema, "AppointmentPage");

export function registerPatientRoutes(app: App, deps: PatientRouteDeps) {
  const signedIn = requireAuth(deps.authenticator);
  const tags = ["Patients and appointments"];

  app.openapi(
    createRoute({
      method: "post",
      path: "/patient/new",
      tags,
      summary: "Register a patient (yourself or a family member) owned by the caller",
      description:
        "A patient belongs to the account that registers it; an account holds at most 10 (409 `limit_reached`).",
      security: bearer,
      middleware: [signedIn],
      request: { body: jsonBody(NewPatientBody) },
      responses: {
        201: { description: "The patient", content: jsonContent(PatientSchema) },
        ...problemResponses(400, 401),
        ...conflictAnswer("", ["patientsPerAccount"]),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const result = await deps.registerPatient.execute(c.get("principal").userId, {
        name: body.name,
        age: body.age,
        gender: body.gender,
        symptoms: body.symptoms ?? null,
      });
      return respond(
        c,
        result.ok ? ok(toPatientView(result.value)) : result,
        201,
        (p) => `/patient/get/${p.id}`,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/patient/all",
      tags,
      summary: "The caller's patients",
      description: "The patients the caller registered, by id.",
      security: bearer,
      middleware: [signedIn],
      request: { query: PageQuery },
      responses: {
        200: { description: "A page of patients", content: jsonContent(PatientList) },
        ...problemResponses(400, 401),
      },
    }),
    async (c) =>
      respond(
        c,
        ok(await deps.patients.listOwned(c.get("principal"), toPageRequest(c.req.valid("query")))),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/patient/get/{id}",
      tags,
      summary: "One patient: the owner's, a doctor's with an appointment, or any for an admin",
      description: "404 for a patient the caller may not see: no enumeration of other accounts' patients.",
      security: bearer,
      middleware: [signedIn],
      request: { params: IdParam },
      responses: {
        200: { description: "The patient", content: jsonContent(PatientSchema) },
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => respond(c, await deps.patients.get(c.get("principal"), c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/patient/{id}",
      tags,
      summary: "Correct one of the caller's patients",
      description:
        "Only the fields given change (at least one, else 400); each is checked as at registration, and " +
        "`symptoms: null` clears them. Another account's, an unknown or a deleted patient is 404.",
      security: bearer,
      middleware: [signedIn],
      request: { params: IdParam, body: jsonBody(PatientChangeBody) },
      responses: {
        200: { description: "The patient as it now is", content: jsonContent(PatientSchema) },
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const changed = await deps.changePatient.execute(c.get("principal").userId, c.req.valid("param").id, {
        name: body.name,
        age: body.age,
        gender: body.gender,
        symptoms: body.symptoms,
      });
      return respond(c, changed.ok ? ok(toPatientView(changed.value)) : changed, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/patient/{id}",
      tags,
      summary: "Delete one of the caller's patients: its places are given up and its data erased",
      description:
        "In one transaction: every booked appointment of the patient whose sitting has not started is " +
        "cancelled (`cancelled_by: patient`) and its seat goes to the first one waiting, as a cancel does; " +
        "its waiting entries end; its name and symptoms are erased. Appointments of a sitting that has " +
        "started are left as they are (they are taking place). Past visits stay, anonymised, so doctors' " +
        "patient counts and ratings do not change. Afterwards the patient is 404 for its owner and leaves " +
        "`/patient/all`; another account's or an unknown patient is 404.",
      security: bearer,
      middleware: [signedIn],
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const deleted = await deps.deletePatient.execute(c.get("principal").userId, c.req.valid("param").id);
      return respondNoContent(c, deleted);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/patient/new_appointment",
      tags,
      summary: "Book the lowest free seat of a sitting",
      description:
        "Without `date`: the earliest upcoming sitting with a free seat (and room under the account's " +
        "caps). The same Idempotency-Key with the same body returns the first answer and books nothing new; " +
        "with a different body it answers 409. The doctor of the slot cannot book it (403 `own_slot`); an " +
        "unverified doctor's slot is answered as missing (404). One account holds at most a few live " +
        "appointments and a few seats of one sitting (409 `limit_reached`).",
      security: bearer,
      middleware: [signedIn],
      request: { headers: IdempotencyHeader, body: jsonBody(NewAppointmentBody) },
      responses: {
        201: { description: "The appointment", content: jsonContent(AppointmentSchema) },
        ...problemResponses(400, 401, 404),
        ...ownSlotAnswer,
        ...conflictAnswer(
          "`sitting_full`, `no_free_seat`, `already_booked`, `idempotency_key_reused`: see the description",
          ["liveAppointmentsPerAccount", "seatsPerSittingPerAccount"],
        ),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const booked = await deps.bookAppointment.execute(c.get("principal"), {
        slotId: body.slot_id,
        patientId: body.patient_id,
        date: body.date,
        idempotencyKey: c.req.valid("header")["idempotency-key"],
      });
      if (!booked.ok) return appErrorResponse(c, booked.error);
      const { appointment, appointmentId } = booked.value;
      return respond(
        c,
        appointment ? ok(toAppointmentView(appointment)) : await deps.patients.appointment(appointmentId),
        201,
        (a) => `/patient/appointment/${a.id}`,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/patient/appointment/history",
      tags,
      summary: "Appointments of all the caller's patients, newest sitting first",
      description:
        "Every appointment of the caller's patients, cancelled ones included, with seat and expected time.",
      security: bearer,
      middleware: [signedIn],
      request: { query: PageQuery },
      responses: {
        200: { description: "A page of appointments", content: jsonContent(AppointmentList) },
        ...problemResponses(400, 401),
      },
    }),
    async (c) =>
      respond(
        c,
        ok(await deps.patients.history(c.get("principal"), toPageRequest(c.req.valid("query")))),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/patient/appointment/{id}",
      tags,
      summary: "One appointment of one of the caller's patients",
      description:
        "Where a booking's `Location` points. Another account's appointment is answered 404, as a missing one.",
      security: bearer,
      middleware: [signedIn],
      request: { params: IdParam },
      responses: {
        200: { description: "The appointment", content: jsonContent(AppointmentSchema) },
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) =>
      respond(c, await deps.patients.ownAppointment(c.get("principal"), c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/patient/appointment/{id}/cancel",
      tags,
      summary: "Cancel an appointment before its sitting starts (owner only)",
      description:
        "The seat goes at once to the first patient waiting for that sitting, who is notified. 409 once the sitting has started.",
      security: bearer,
      middleware: [signedIn],
      request: { params: IdParam },
      responses: {
        200: { description: "The cancelled appointment", content: jsonContent(AppointmentSchema) },
        ...problemResponses(400, 401, 404, 409),
      },
    }),
    async (c) => {
      const cancelled = await deps.cancelAppointment.execute(c.get("principal"), c.req.valid("param").id);
      if (!cancelled.ok) return appErrorResponse(c, cancelled.error);
      return respond(c, await deps.patients.appointment(cancelled.value.appointmentId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/patient/appointment/{id}/reschedule",
      tags,
      summary: "Move a booked appointment to another sitting of the same doctor (owner only)",
      description:
        "All or nothing, keeping the appointment's id: the new seat is taken exactly as a booking takes one " +
        "(lowest free, caps, not closed, not started, within the horizon), the old seat goes at once to the " +
        "first patient waiting, `rescheduled_from` records the old place, reminders follow the new time and the " +
        "owner gets a `moved` notification. A refused move leaves the appointment unchanged. The same " +
        "Idempotency-Key with the same body returns the first answer.",
      security: bearer,
      middleware: [signedIn],
      request: { params: IdParam, headers: IdempotencyHeader, body: jsonBody(RescheduleBody) },
      responses: {
        200: { description: "The appointment in its new place", content: jsonContent(AppointmentSchema) },
        ...problemResponses(400, 401, 404),
        ...conflictAnswer(
          "`sitting_full`, `sitting_closed`, `no_free_seat`, `already_booked`, `sitting_started`, " +
            "`illegal_transition` (not booked), `idempotency_key_reused`",
          ["seatsPerSittingPerAccount"],
        ),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const moved = await deps.rescheduleAppointment.execute(c.get("principal"), {
        appointmentId: c.req.valid("param").id,
        slotId: body.slot_id,
        date: body.date,
        idempotencyKey: c.req.valid("header")["idempotency-key"],
      });
      if (!moved.ok) return appErrorResponse(c, moved.error);
      return respond(c, await deps.patients.appointment(moved.value.appointmentId), 200);
    },
  );
}
