/** One dated sitting of a slot: its times, seats and status. */
import { z } from "@hono/zod-openapi";
import { calendarDate, instant } from "./fields.js";

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
