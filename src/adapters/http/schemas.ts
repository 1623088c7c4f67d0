import { getOpenApiMetadata } from "@asteasolutions/zod-to-openapi";
import { z } from "@hono/zod-openapi";
import { APPOINTMENT_STATUSES } from "../../domain/appointment/appointment.js";
import { WEEKDAYS } from "../../domain/slot/weekday.js";

/** One zod schema per HTTP shape of API.md, registered as OpenAPI components. */

/** The largest row id (PostgreSQL int4): ids in paths and bodies are bounded by it. */
export const MAX_ROW_ID = 2_147_483_647;

export const IdParam = z.object({
  id: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_ROW_ID)
    .openapi({ param: { name: "id", in: "path" }, example: 1 }),
});

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).openapi({ example: 1 }),
  per_page: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
});

export const toPageRequest = (q: z.infer<typeof PageQuery>) => ({ page: q.page, perPage: q.per_page });

/** The example of a component made with `.openapi(name, { example })`, if it has one. */
export const exampleOf = (schema: z.ZodTypeAny): unknown => getOpenApiMetadata(schema).example;

/** A page `{data, page, per_page, total}` of one item type, shown with one item's example. */
export const pageOfSchema = <T extends z.ZodTypeAny>(item: T, name: string) => {
  const one = exampleOf(item);
  return z
    .object({
      data: z.array(item),
      page: z.number().int(),
      per_page: z.number().int(),
      total: z.number().int(),
    })
    .openapi(name, one === undefined ? {} : { example: { data: [one], page: 1, per_page: 20, total: 1 } });
};

/** An unpaged list `{data: [...]}`, one named component per item type. */
export const listOfSchema = <T extends z.ZodTypeAny>(item: T, name: string) => {
  const one = exampleOf(item);
  return z
    .object({ data: z.array(item) })
    .openapi(name, one === undefined ? {} : { example: { data: [one] } });
};

/** Wall-clock `HH:MM` (24 h) in the doctor's time zone. */
const clockTime = (example: string) =>
  z.string().openapi({ pattern: "^\\d{2}:\\d{2}$", example, description: "HH:MM in the doctor's time zone" });
const instant = (example: string) => z.string().openapi({ format: "date-time", example });
const calendarDate = () => z.string().openapi({ format: "date", example: "2026-12-07" });

export const DateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .openapi({ example: "2026-12-07" });

/** Examples shown by the OpenAPI document (and checked against the schemas by its linters). */
const SLOT_EXAMPLE = {
  id: 7,
  doctor_id: 3,
  day: "monday" as const,
  start: "09:00",
  end: "11:00",
  appointment_duration: 15,
  num_slots: 8,
  consultation_fee: 150000,
};

const DOCTOR_EXAMPLE = {
  id: 3,
  name: "Ayesha Khan",
  description: "Consultant cardiologist",
  image: "https://api.doctorly.example/static/media/4f1c2a9e-8d7b-4c1e-9a55-2b7c1d0e6f3a.webp",
  timezone: "Asia/Karachi",
  experience: 12,
  rating: 4.67,
  rating_count: 3,
  no_of_patients: 41,
  specializations: [
    { id: 3, name: "cardiologist", image: "https://api.doctorly.example/static/defaults/specialization.svg" },
  ],
  qualifications: [
    { name: "mbbs", procurement_year: "2013-06-30", institute_name: "King Edward Medical University" },
  ],
  slots: [SLOT_EXAMPLE],
};

const PATIENT_EXAMPLE = {
  id: 12,
  name: "Mia Rivera",
  age: 7,
  gender: "female" as const,
  symptoms: "Cough for a week",
};

export const SlotSchema = z
  .object({
    id: z.number().int(),
    doctor_id: z.number().int(),
    day: z.enum(WEEKDAYS).openapi({ example: "monday" }),
    start: clockTime("09:00"),
    end: clockTime("11:00"),
    appointment_duration: z.number().int().openapi({ example: 15 }),
    num_slots: z.number().int().openapi({ example: 8 }),
    consultation_fee: z.number().int().openapi({ example: 150000, description: "minor units" }),
  })
  .openapi("Slot", { example: SLOT_EXAMPLE });

export const DoctorSchema = z
  .object({
    id: z.number().int(),
    name: z.string().openapi({ example: "Ayesha Khan" }),
    description: z.string(),
    image: z.url(),
    timezone: z.string().openapi({ example: "Asia/Karachi" }),
    experience: z.number().int(),
    rating: z.number().nullable().openapi({
      example: 4.67,
      description: "Mean of the doctor's ratings (1–5), rounded to 2 decimals; null when not yet rated",
    }),
    rating_count: z.number().int().openapi({ description: "How many ratings the mean is made of" }),
    no_of_patients: z.number().int(),
    specializations: z.array(z.object({ id: z.number().int(), name: z.string(), image: z.url() })),
    qualifications: z.array(
      z.object({ name: z.string(), procurement_year: calendarDate(), institute_name: z.string() }),
    ),
    slots: z.array(SlotSchema),
  })
  .openapi("Doctor", { example: DOCTOR_EXAMPLE });

export const DoctorProfileSchema = DoctorSchema.extend({
  verified: z.boolean().openapi({
    description:
      "Whether an admin has verified the doctor. Patients see only verified doctors: an unverified or " +
      "suspended one is absent from lists and search, and its profile, slots, timings and reviews answer 404.",
  }),
}).openapi("DoctorProfile", {
  description: "A Doctor as its own account and admins see it, with its verification.",
  example: { ...DOCTOR_EXAMPLE, verified: true },
});

export const PatientSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    age: z.number().int(),
    gender: z.enum(["male", "female", "other"]),
    symptoms: z.string().nullable(),
  })
  .openapi("Patient", { example: PATIENT_EXAMPLE });

export const SittingSchema = z
  .object({
    slot_id: z.number().int(),
    date: calendarDate(),
    starts_at: instant("2026-12-07T04:00:00.000Z"),
    ends_at: instant("2026-12-07T06:00:00.000Z"),
    capacity: z.number().int(),
    booked: z.number().int(),
    available: z.number().int().openapi({ description: "Free seats; 0 when closed" }),
    status: z.enum(["open", "full", "started", "closed"]).openapi({
      description:
        "open: seats free · full: join the waitlist · started: taking place · closed: does not take place",
    }),
    closed_reason: z.string().nullable().openapi({
      description:
        'Why a closed sitting does not take place ("slot retired", a time off\'s reason, "doctor unavailable"); null otherwise',
    }),
  })
  .openapi("Sitting", {
    example: {
      slot_id: 7,
      date: "2026-12-07",
      starts_at: "2026-12-07T04:00:00.000Z",
      ends_at: "2026-12-07T06:00:00.000Z",
      capacity: 8,
      booked: 5,
      available: 3,
      status: "open",
      closed_reason: null,
    },
  });

export const AppointmentSchema = z
  .object({
    id: z.number().int(),
    status: z.enum(APPOINTMENT_STATUSES),
    patient: PatientSchema,
    doctor: z.object({ id: z.number().int(), name: z.string() }),
    slot: SlotSchema,
    date: calendarDate(),
    seat: z.number().int().openapi({ description: "1-based place in the sitting's queue" }),
    expected_time: instant("2026-12-07T04:30:00.000Z"),
    expected_local_time: clockTime("09:30"),
    created_at: instant("2026-12-01T09:30:00.000Z"),
    cancelled_by: z.enum(["patient", "doctor"]).nullable().openapi({
      description: "Who cancelled it; null unless cancelled (or cancelled before this was recorded)",
    }),
    cancellation_reason: z.string().nullable().openapi({
      description: "The doctor's reason (\"slot retired\", the time off's reason, …); null otherwise",
    }),
    rescheduled_from: z
      .object({ slot_id: z.number().int(), date: calendarDate(), seat: z.number().int() })
      .nullable()
      .openapi({ description: "The place it held before it was rescheduled; null if it never moved" }),
  })
  .openapi("Appointment", {
    example: {
      id: 101,
      status: "booked",
      patient: PATIENT_EXAMPLE,
      doctor: { id: 3, name: "Ayesha Khan" },
      slot: SLOT_EXAMPLE,
      date: "2026-12-07",
      seat: 3,
      expected_time: "2026-12-07T04:30:00.000Z",
      expected_local_time: "09:30",
      created_at: "2026-12-01T09:30:00.000Z",
      cancelled_by: null,
      cancellation_reason: null,
      rescheduled_from: null,
    },
  });

export { calendarDate, instant };

export const jsonContent = <T extends z.ZodTypeAny>(schema: T) => ({ "application/json": { schema } });

/**
 * The answers of a public read (see respondPublicRead): 200 with ETag and `Cache-Control: public,
 * no-cache`, and 304 when `If-None-Match` names the current ETag.
 */
export const publicReadResponses = <T extends z.ZodTypeAny>(description: string, schema: T) => ({
  200: {
    description,
    content: jsonContent(schema),
    headers: {
      ETag: { description: "Changes exactly when the answer does", schema: { type: "string" as const } },
      "Cache-Control": {
        description: "`public, no-cache`: caches may store it, and revalidate with If-None-Match",
        schema: { type: "string" as const },
      },
    },
  },
  304: {
    description: "Not modified: the ETag sent in If-None-Match is still the current one",
    headers: { ETag: { schema: { type: "string" as const } } },
  },
});

export const jsonBody = <T extends z.ZodTypeAny>(schema: T) => ({
  required: true,
  content: jsonContent(schema),
});

export const bearer = [{ bearerAuth: [] }];
