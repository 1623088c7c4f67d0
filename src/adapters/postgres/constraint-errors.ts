import { IntegrityConstraintViolationError } from "slonik";
import { type AppError, appError } from "../../domain/shared/result.js";

const conflict = (code: string, detail: string) => appError("conflict", code, detail);

/**
 * The database is the last judge of the rules; when it refuses a change, the constraint's name says
 * which rule, and the client gets that rule's error instead of a 500. Every constraint that a client's
 * request can trip has an entry here.
 */
const BY_CONSTRAINT: Readonly<Record<string, AppError>> = {
  users_email_key: conflict("email_taken", "An account with this email address already exists."),
  slots_no_overlap: conflict("slot_overlap", "This slot overlaps another of your slots on that day."),
  doctor_specializations_pkey: conflict("specialization_already_held", "A specialization is already held."),
  doctor_qualifications_pkey: conflict("qualification_already_held", "A qualification is already held."),
  appointments_seat_taken: conflict(
    "sitting_full",
    "That seat was just taken; the sitting has no free seat.",
  ),
  appointments_seat_in_capacity: conflict("sitting_full", "The sitting has no free seat left."),
  appointments_patient_once: conflict("already_booked", "This patient already holds a seat in that sitting."),
  ratings_appointment_key: conflict("already_rated", "This visit has already been rated."),
  waitlist_patient_once: conflict("already_waiting", "This patient is already waiting for that sitting."),
  idempotency_keys_pkey: conflict("idempotency_key_reused", "This Idempotency-Key is already in use."),
};

/** The domain error a violated constraint of this name means, or null when it has none. */
export const domainErrorOfConstraintName = (name: string | null | undefined): AppError | null =>
  (name && BY_CONSTRAINT[name]) || null;

export function domainErrorOfConstraint(error: unknown): AppError | null {
  if (!(error instanceof IntegrityConstraintViolationError)) return null;
  return domainErrorOfConstraintName(error.constraint);
}
