/** A patient of an account (the account holder or a family member). */
import { z } from "@hono/zod-openapi";

export const PATIENT_EXAMPLE = {
  id: 12,
  name: "Mia Rivera",
  age: 7,
  gender: "female" as const,
  symptoms: "Cough for a week",
};

export const PatientSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    age: z.number().int(),
    gender: z.enum(["male", "female", "other"]),
    symptoms: z.string().nullable(),
  })
  .openapi("Patient", { example: PATIENT_EXAMPLE });
