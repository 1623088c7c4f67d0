/** A weekly slot as the API shows it. */
import { z } from "@hono/zod-openapi";
import { WEEKDAYS } from "../../../domain/slot/weekday.js";
import { clockTime } from "./fields.js";

/** Shown by the OpenAPI document (and checked against the schema by its linters). */
export const SLOT_EXAMPLE = {
  id: 7,
  doctor_id: 3,
  day: "monday" as const,
  start: "09:00",
  end: "11:00",
  appointment_duration: 15,
  num_slots: 8,
  consultation_fee: 150000,
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
