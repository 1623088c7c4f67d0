import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AddQualifications } from "../../../application/commands/doctors/add-qualifications.js";
import type { AddSpecializations } from "../../../application/commands/doctors/add-specializations.js";
import type { ChangeDoctorProfile } from "../../../application/commands/doctors/change-doctor-profile.js";
import type { RegisterDoctor } from "../../../application/commands/doctors/register-doctor.js";
import type {
  RemoveQualification,
  RemoveSpecialization,
} from "../../../application/commands/doctors/remove-from-profile.js";
import type { AddSlot } from "../../../application/commands/schedule/add-slot.js";
import type { ChangeSlot } from "../../../application/commands/schedule/change-slot.js";
import type { DoctorQueries } from "../../../application/queries/doctors/doctor.queries.js";
import type { PatientQueries } from "../../../application/queries/patients/patient.queries.js";
import { toSlotView } from "../../../application/queries/views.js";
import { appError, err, ok } from "../../../domain/shared/result.js";
import { seatsHeld } from "../../../domain/sitting/sitting-book.errors.js";
import { MAX_CONSULTATION_FEE } from "../../../domain/slot/slot.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import type { App, AppEnv } from "../app.js";
import { requireAuth, requireRole } from "../auth.js";
import { problemAnswer, problemResponses } from "../problem.js";
import { respond, respondPublicRead, respondPublicReadText, respondWithDoctor } from "../respond.js";
import { DoctorProfileSchema, DoctorSchema } from "../schemas/doctor.js";
import { DateString, IdParam } from "../schemas/fields.js";
import { bearer, jsonBody, jsonContent, publicReadResponses } from "../schemas/openapi.js";
import { listOfSchema, PageQuery, pageOfSchema, toPageRequest } from "../schemas/pages.js";
import { PatientSchema } from "../schemas/patient.js";
import { SittingSchema } from "../schemas/sitting.js";
import { SlotSchema } from "../schemas/slot.js";
import { multiLineText, singleLineText } from "../text.js";
import { conflictAnswer } from "../trust-answers.js";

export interface DoctorRouteDeps {
  readonly authenticator: Authenticator;
  readonly doctors: DoctorQueries;
  readonly patients: PatientQueries;
  readonly registerDoctor: RegisterDoctor;
  readonly addSlot: AddSlot;
  readonly addSpecializations: AddSpecializations;
  readonly addQualifications: AddQualifications;
  readonly changeProfile: ChangeDoctorProfile;
  readonly changeSlot: ChangeSlot;
  readonly removeSpecialization: RemoveSpecialization;
  readonly removeQualification: RemoveQualification;
  /** Per client, shared with POST /users/register. */
  readonly registrationLimit: MiddlewareHandler<AppEnv>;
}

const NewDoctorBody = z
  .object({
    name: singleLineText({ max: 200 }).openapi({ example: "Ayesha Khan" }),
    email: singleLineText({ max: 320 }).openapi({ example: "ayesha@example.org" }),
    password: singleLineText({ max: 1024 }).openapi({
      example: "correct horse battery",
      description: "8 to 128 characters, and not on a list of common passwords (400 naming `password`).",
    }),
    description: multiLineText({ max: 2000 }).default("").openapi({ example: "Consultant cardiologist" }),
    timezone: singleLineText({ max: 64 })
      .optional()
      .openapi({ example: "Asia/Karachi", description: "IANA name" }),
    role: singleLineText({ max: 20 })
      .optional()
      .openapi({ description: 'Optional; anything but "doctor" is refused' }),
  })
  .openapi("NewDoctor");

const AddSlotBody = z
  .object({
    day: singleLineText({ max: 20 }).openapi({
      enum: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
      example: "monday",
      description: "A weekday (case-insensitive)",
    }),
    start: singleLineText({ max: 8 }).openapi({
      pattern: "^\\d{2}:\\d{2}$",
      example: "09:00",
      description: "HH:MM in the doctor's time zone",
    }),
    appointment_duration: z.number().int().min(5).max(240).openapi({ example: 15 }),
    num_slots: z.number().int().min(1).max(200).openapi({ example: 8 }),
    consultation_fee: z.number().int().min(0).max(MAX_CONSULTATION_FEE).openapi({ example: 150000 }),
  })
  .openapi("NewSlot");

const AddSpecializationsBody = z
  .object({
    specializations: z
      .array(singleLineText({ min: 1, max: 100 }))
      .min(1)
      .max(36)
      .openapi({ example: ["cardiologist"] }),
  })
  .openapi("NewSpecializations");

const AddQualificationsBody = z
  .object({
    qualifications: z
      .array(
        z.object({
          name: singleLineText({ min: 1, max: 100 }).openapi({ example: "mbbs" }),
          procurement_year: DateString,
          institute_name: singleLineText({ min: 1, max: 200 }).openapi({
            example: "King Edward Medical University",
          }),
        }),
      )
      .min(1)
      .max(20),
  })
  .openapi("NewQualifications");

const ProfileChangeBody = z
  .object({
    name: singleLineText({ max: 200 }).optional().openapi({ example: "Ayesha Khan" }),
    description: multiLineText({ max: 2000 }).optional().openapi({ example: "Consultant cardiologist" }),
    timezone: singleLineText({ max: 64 })
      .optional()
      .openapi({ example: "Asia/Karachi", description: "IANA name" }),
  })
  .openapi("DoctorProfileChange", {
    description: "The fields to change, at least one; those left out stay as they are.",
    example: { description: "Consultant cardiologist, also sees children" },
  });

/** Fields of a slot that cannot change: they would move the people booked into it. */
const FIXED_SLOT_FIELDS = ["day", "start", "appointment_duration"] as const;

const SlotChangeBody = z
  .object({
    num_slots: z.number().int().min(1).max(200).optional().openapi({ example: 10 }),
    consultation_fee: z
      .number()
      .int()
      .min(0)
      .max(MAX_CONSULTATION_FEE)
      .optional()
      .openapi({ example: 175000 }),
  })
  .openapi("SlotChange", {
    description:
      "The fields to change, at least one. `day`, `start` and `appointment_duration` cannot change (400): " +
      "retire the slot and add another.",
    example: { num_slots: 10 },
  });

const CatalogNameParam = (example: string) =>
  z.object({
    name: singleLineText({ min: 1, max: 100 }).openapi({ param: { name: "name", in: "path" }, example }),
  });

const TimingsQuery = z.object({
  from: DateString.optional(),
  days: z.coerce.number().int().min(1).max(60).default(7),
});

const DoctorList = pageOfSchema(DoctorSchema, "DoctorPage");
const PatientList = pageOfSchema(PatientSchema, "PatientPage");

export function registerDoctorRoutes(app: App, deps: DoctorRouteDeps) {
  const signedIn = requireAuth(deps.authenticator);
  const doctorOnly = [signedIn, requireRole("doctor")] as const;
  const tags = ["Doctors"];

  app.openapi(
    createRoute({
      method: "post",
      path: "/doctors/new",
      tags,
      summary: "Register a doctor: a new account with role doctor and its profile",
      description:
        "The doctor starts unverified: it can edit its profile and publish slots, but patients see it (lists, " +
        "search, its profile, slots, timings and reviews) and book it only once an admin has verified it. " +
        "Limited per client like `POST /users/register` (429 with `Retry-After`).",
      middleware: [deps.registrationLimit] as const,
      request: { body: jsonBody(NewDoctorBody) },
      responses: {
        201: {
          description: "The new doctor, `verified: false`: patients see it once an admin has verified it",
          content: jsonContent(DoctorProfileSchema),
        },
        ...problemResponses(400, 409, 429),
      },
    }),
    async (c) => {
      const result = await deps.registerDoctor.execute(c.req.valid("json"));
      return respondWithDoctor(c, deps.doctors, result, 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/doctors/all",
      tags,
      summary: "All verified doctors, a page at a time",
      description:
        "Every doctor an admin has verified, by id, `per_page` at most 100. Unverified and suspended doctors are not listed.",
      request: { query: PageQuery },
      responses: {
        ...publicReadResponses("A page of doctors", DoctorList),
        ...problemResponses(400),
      },
    }),
    async (c) => respondPublicRead(c, ok(await deps.doctors.all(toPageRequest(c.req.valid("query"))))),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/doctors/info",
      tags,
      summary: "The calling doctor's own profile",
      description: "The doctor's profile with `verified`, also while it waits for an admin.",
      security: bearer,
      middleware: [...doctorOnly],
      responses: {
        200: { description: "Own profile, with `verified`", content: jsonContent(DoctorProfileSchema) },
        ...problemResponses(401, 403, 404),
      },
    }),
    async (c) => respond(c, await deps.doctors.ofUser(c.get("principal").userId), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/doctors/add_slot",
      tags,
      summary: "Publish a weekly sitting",
      description:
        "end = start + appointment_duration × num_slots; must not pass midnight nor overlap another slot that day.",
      security: bearer,
      middleware: [...doctorOnly],
      request: { body: jsonBody(AddSlotBody) },
      responses: {
        201: { description: "The new slot", content: jsonContent(SlotSchema) },
        ...problemResponses(400, 401, 403),
        ...conflictAnswer("`slot_overlap`: another of the doctor's slots that day overlaps", [
          "slotsPerDoctor",
        ]),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const result = await deps.addSlot.execute(c.get("principal").userId, {
        day: body.day,
        start: body.start,
        appointmentDuration: body.appointment_duration,
        numSlots: body.num_slots,
        consultationFee: body.consultation_fee,
      });
      return respond(
        c,
        result.ok ? ok(toSlotView(result.value)) : result,
        201,
        (slot) => `/doctors/slot/${slot.doctor_id}`,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/doctors/add_specializations",
      tags,
      summary: "Add specializations (all of them, or none)",
      description:
        "Adds every named specialization of the catalog; an unknown name refuses them all (400), one already held is 409.",
      security: bearer,
      middleware: [...doctorOnly],
      request: { body: jsonBody(AddSpecializationsBody) },
      responses: {
        200: { description: "The updated profile", content: jsonContent(DoctorProfileSchema) },
        ...problemResponses(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const result = await deps.addSpecializations.execute(
        c.get("principal").userId,
        c.req.valid("json").specializations,
      );
      return respondWithDoctor(c, deps.doctors, result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/doctors/add_qualifications",
      tags,
      summary: "Add qualifications",
      description:
        "Adds qualifications with their year and institute; `experience` counts from the earliest. An unknown name is 400, one already held 409.",
      security: bearer,
      middleware: [...doctorOnly],
      request: { body: jsonBody(AddQualificationsBody) },
      responses: {
        200: { description: "The updated profile", content: jsonContent(DoctorProfileSchema) },
        ...problemResponses(400, 401, 403, 409),
      },
    }),
    async (c) => {
      const result = await deps.addQualifications.execute(
        c.get("principal").userId,
        c.req.valid("json").qualifications,
      );
      return respondWithDoctor(c, deps.doctors, result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/doctors/info",
      tags,
      summary: "Change the calling doctor's name, description or time zone",
      description:
        "Only the fields given change (at least one). The name and time zone are checked as at registration. " +
        "Slots are wall-clock times in the doctor's zone, so a new `timezone` is refused (409 " +
        "`future_appointments`) while the doctor has booked or arrived appointments whose sitting has not ended: " +
        "they would silently move.",
      security: bearer,
      middleware: [...doctorOnly],
      request: { body: jsonBody(ProfileChangeBody) },
      responses: {
        200: { description: "The updated profile", content: jsonContent(DoctorProfileSchema) },
        ...problemResponses(400, 401, 403),
        ...problemAnswer(409, "`future_appointments`: a new time zone while appointments are still to come", [
          {
            code: "future_appointments",
            detail:
              "You have 2 booked or arrived appointments still to come; in another time zone they would " +
              "silently move. Change the time zone once they are over or cancelled.",
          },
        ]),
      },
    }),
    async (c) => {
      const result = await deps.changeProfile.execute(c.get("principal").userId, c.req.valid("json"));
      return respondWithDoctor(c, deps.doctors, result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/doctors/slots/{id}",
      tags,
      summary: "Change the number of seats or the fee of one of the calling doctor's slots",
      description:
        "Ranges as when adding a slot; the end (start + appointment_duration × num_slots) must stay within the " +
        "day and clear of the doctor's other slots. Raising `num_slots` opens the seats at once: entries waiting " +
        "for upcoming sittings are seated into them in the order they joined, and their owners are notified " +
        "(`moved_from_waitlist`). Lowering it below a seat held in any upcoming sitting is refused (409 " +
        "`seats_held`, `errors` naming each seat and date). `day`, `start` and `appointment_duration` cannot " +
        "change (400): retire the slot and add another. Another doctor's slot, a retired or unknown one is 404.",
      security: bearer,
      middleware: [...doctorOnly],
      request: { params: IdParam, body: jsonBody(SlotChangeBody) },
      responses: {
        200: { description: "The slot as it now is", content: jsonContent(SlotSchema) },
        ...problemResponses(400, 401, 403, 404),
        ...problemAnswer(
          409,
          "`seats_held`: a seat above the new number is held in an upcoming sitting; `slot_overlap`: the " +
            "longer slot would overlap another of the doctor's slots that day",
          [
            { code: "seats_held", detail: seatsHeld([{ seat: 7, date: "2026-12-14" }]).detail },
            { code: "slot_overlap", detail: "The slot would overlap your monday slot 11:00–12:00." },
          ],
        ),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      // The validated body drops unknown fields; these three are refused by name rather than ignored.
      const sent: unknown = await c.req.json();
      const fixed =
        sent !== null && typeof sent === "object"
          ? FIXED_SLOT_FIELDS.filter((f) => Object.hasOwn(sent, f))
          : [];
      if (fixed.length > 0) {
        const errors = fixed.map((path) => ({
          path,
          message: "cannot be changed (it would move booked people): retire the slot and add another",
        }));
        return respond(
          c,
          err(appError("validation", "validation_failed", "The slot change is not valid.", { errors })),
          200,
        );
      }
      const result = await deps.changeSlot.execute(c.get("principal").userId, c.req.valid("param").id, {
        numSlots: body.num_slots,
        consultationFee: body.consultation_fee,
      });
      return respond(c, result.ok ? ok(toSlotView(result.value)) : result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/doctors/specializations/{name}",
      tags,
      summary: "Remove a specialization from the calling doctor's profile",
      description:
        "The name is matched as when adding (case and surrounding spaces ignored). One the doctor does not hold, " +
        "or an unknown name, is 404 `specialization_not_held`.",
      security: bearer,
      middleware: [...doctorOnly],
      request: { params: CatalogNameParam("cardiologist") },
      responses: {
        200: { description: "The profile without it", content: jsonContent(DoctorProfileSchema) },
        ...problemResponses(400, 401, 403),
        ...problemAnswer(404, "`specialization_not_held`: the doctor does not hold it", [
          { code: "specialization_not_held", detail: 'You do not hold the specialization "cardiologist".' },
        ]),
      },
    }),
    async (c) => {
      const result = await deps.removeSpecialization.execute(
        c.get("principal").userId,
        c.req.valid("param").name,
      );
      return respondWithDoctor(c, deps.doctors, result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/doctors/qualifications/{name}",
      tags,
      summary: "Remove a qualification from the calling doctor's profile",
      description:
        "The name is matched as when adding (case and surrounding spaces ignored); `experience` counts from the " +
        "earliest qualification left. One the doctor does not hold, or an unknown name, is 404 " +
        "`qualification_not_held`.",
      security: bearer,
      middleware: [...doctorOnly],
      request: { params: CatalogNameParam("mbbs") },
      responses: {
        200: { description: "The profile without it", content: jsonContent(DoctorProfileSchema) },
        ...problemResponses(400, 401, 403),
        ...problemAnswer(404, "`qualification_not_held`: the doctor does not hold it", [
          { code: "qualification_not_held", detail: 'You do not hold the qualification "mbbs".' },
        ]),
      },
    }),
    async (c) => {
      const result = await deps.removeQualification.execute(
        c.get("principal").userId,
        c.req.valid("param").name,
      );
      return respondWithDoctor(c, deps.doctors, result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/doctors/patients",
      tags,
      summary: "Distinct patients who have appointments with the calling doctor",
      description:
        "Each patient once, while at least one non-cancelled appointment links them to this doctor.",
      security: bearer,
      middleware: [...doctorOnly],
      request: { query: PageQuery },
      responses: {
        200: { description: "A page of patients", content: jsonContent(PatientList) },
        ...problemResponses(400, 401, 403),
      },
    }),
    async (c) =>
      respond(
        c,
        ok(await deps.patients.ofDoctor(c.get("principal"), toPageRequest(c.req.valid("query")))),
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/doctors/patients/{id}",
      tags,
      summary: "The patient of one of the calling doctor's appointments",
      description:
        "`id` is an appointment id. 404 unless the appointment is this doctor's and not cancelled.",
      security: bearer,
      middleware: [...doctorOnly],
      request: {
        params: IdParam.extend({ id: IdParam.shape.id.openapi({ description: "appointment id" }) }),
      },
      responses: {
        200: { description: "The patient", content: jsonContent(listOfSchema(PatientSchema, "PatientList")) },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) =>
      respond(c, await deps.patients.ofAppointment(c.get("principal"), c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/doctors/get/{id}",
      tags,
      summary: "One doctor",
      description: "A doctor not verified by an admin (or suspended) is answered as missing: 404.",
      request: { params: IdParam },
      responses: {
        ...publicReadResponses("The doctor", DoctorSchema),
        ...problemResponses(400, 404),
      },
    }),
    async (c) => respondPublicReadText(c, await deps.doctors.getJson(c.req.valid("param").id)),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/doctors/slot/{id}",
      tags,
      summary: "A doctor's weekly slots",
      description: "A doctor not verified by an admin (or suspended) is answered as missing: 404.",
      request: { params: IdParam },
      responses: {
        ...publicReadResponses("The slots", listOfSchema(SlotSchema, "SlotList")),
        ...problemResponses(400, 404),
      },
    }),
    async (c) => respondPublicRead(c, await deps.doctors.slots(c.req.valid("param").id)),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/doctors/popular/doctors",
      tags,
      summary: "At most 10 verified doctors ranked by bookings in the last 30 days, then rating, then id",
      description:
        "Deterministic ranking of verified doctors by non-cancelled bookings made in the last 30 days, ties broken by rating, then id.",
      responses: {
        ...publicReadResponses("Ranked doctors", listOfSchema(DoctorSchema, "DoctorList")),
      },
    }),
    async (c) => respondPublicRead(c, ok(await deps.doctors.popular())),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/doctors/timings/{id}",
      tags,
      summary: "Upcoming sittings with capacity, booked and available seats",
      description: "A doctor not verified by an admin (or suspended) is answered as missing: 404.",
      request: { params: IdParam, query: TimingsQuery },
      responses: {
        ...publicReadResponses("Sittings in time order", listOfSchema(SittingSchema, "SittingList")),
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { from, days } = c.req.valid("query");
      return respondPublicRead(c, await deps.doctors.timings(c.req.valid("param").id, from, days));
    },
  );
}
