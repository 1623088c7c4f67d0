import type { WebhookEventType } from "../../ports/webhooks.js";
import type { ProjectionEvent } from "../projections/projection-event.js";

/** What a subscriber is told of one outbox event: its webhook type, whose it is and the facts. */
export interface WebhookEvent {
  readonly type: WebhookEventType;
  /** The doctor the event is about; its subscriptions (and admins') receive it. */
  readonly doctorId: number | null;
  /** Ids and non-personal facts only: no patient names, no symptoms, no free text. */
  readonly data: Readonly<Record<string, unknown>>;
}

const TYPE_OF: Readonly<Record<string, WebhookEventType>> = {
  AppointmentBooked: "appointment.booked",
  AppointmentCancelled: "appointment.cancelled",
  AppointmentMoved: "appointment.rescheduled",
  AppointmentStatusChanged: "appointment.status_changed",
  TimeOffTaken: "sitting.closed",
  SlotRetired: "sitting.closed",
  DoctorProfileChanged: "doctor.updated",
  DoctorVerified: "doctor.updated",
  DoctorSuspended: "doctor.updated",
  SpecializationsAdded: "doctor.updated",
  QualificationsAdded: "doctor.updated",
  SlotAdded: "doctor.updated",
  SlotChanged: "doctor.updated",
  TimeOffRemoved: "doctor.updated",
};

/** Event fields a subscriber may see, by their JSON name; anything else (a doctor's reason) is left out. */
const FIELDS: Readonly<Record<string, string>> = {
  appointmentId: "appointment_id",
  doctorId: "doctor_id",
  slotId: "slot_id",
  date: "date",
  seat: "seat",
  patientId: "patient_id",
  status: "status",
  cancelledBy: "cancelled_by",
  timeOffId: "time_off_id",
  from: "from",
  to: "to",
  specializationIds: "specialization_ids",
  qualificationIds: "qualification_ids",
};

const isFact = (value: unknown): boolean =>
  typeof value === "number" ||
  typeof value === "string" ||
  (Array.isArray(value) && value.every((v) => typeof v === "number"));

function factsOf(payload: Record<string, unknown>): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [field, name] of Object.entries(FIELDS)) {
    const value = payload[field];
    if (field === "from" && value && typeof value === "object") {
      // A moved appointment's former place.
      const from = value as Record<string, unknown>;
      data.from = { slot_id: from.slotId ?? null, date: from.date ?? null, seat: from.seat ?? null };
    } else if (isFact(value)) {
      data[name] = value;
    }
  }
  return data;
}

/** The webhook an outbox event makes, or null when subscribers are not told of it. */
export function webhookEventOf(event: ProjectionEvent): WebhookEvent | null {
  const type = Object.hasOwn(TYPE_OF, event.type) ? TYPE_OF[event.type] : undefined;
  const payload = event.payload;
  if (!type || typeof payload !== "object" || payload === null) return null;
  const facts = payload as Record<string, unknown>;
  const doctorId =
    typeof facts.doctorId === "number" && Number.isSafeInteger(facts.doctorId) ? facts.doctorId : null;
  const data = factsOf(facts);
  if (event.type === "TimeOffTaken") data.reason = "time_off";
  if (event.type === "SlotRetired") data.reason = "slot_retired";
  return { type, doctorId, data };
}

/** The JSON body of a delivery: `{type, timestamp, data}`. */
export const webhookBodyOf = (event: WebhookEvent, at: Date): string =>
  JSON.stringify({ type: event.type, timestamp: at.toISOString(), data: event.data });
