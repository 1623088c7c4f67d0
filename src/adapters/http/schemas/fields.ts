/** The fields every HTTP shape is made of: row ids, dates, instants and clock times. */
import { z } from "@hono/zod-openapi";

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

/** Wall-clock `HH:MM` (24 h) in the doctor's time zone. */
export const clockTime = (example: string) =>
  z.string().openapi({ pattern: "^\\d{2}:\\d{2}$", example, description: "HH:MM in the doctor's time zone" });
export const instant = (example: string) => z.string().openapi({ format: "date-time", example });
export const calendarDate = () => z.string().openapi({ format: "date", example: "2026-12-07" });

export const DateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .openapi({ example: "2026-12-07" });
