/** A doctor as patients see it, and as its own account and admins see it. */
import { z } from "@hono/zod-openapi";
import { calendarDate } from "./fields.js";
import { SLOT_EXAMPLE, SlotSchema } from "./slot.js";

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
