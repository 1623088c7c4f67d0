/** A booked place in a sitting's queue. */
import { z } from "@hono/zod-openapi";
import { APPOINTMENT_STATUSES } from "../../../domain/appointment/appointment.js";
import { calendarDate, clockTime, instant } from "./fields.js";
import { PATIENT_EXAMPLE, PatientSchema } from "./patient.js";
import { SLOT_EXAMPLE, SlotSchema } from "./slot.js";

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
