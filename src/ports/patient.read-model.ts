import type { PatientRecord } from "./patient.repository.js";

/**
 * Reads of patients. A deleted patient is gone from `listOwned` and `findById`; the doctor's reads
 * (`listOfDoctor`, `findOfAppointment`) still show it, anonymised, for its past visits.
 */
export interface PatientReadModel {
  listOwned(userId: number, offset: number, limit: number): Promise<{ rows: PatientRecord[]; total: number }>;
  findById(patientId: number): Promise<PatientRecord | null>;
  /** Whether the patient has a non-cancelled appointment with this doctor (a doctor's only way to see one). */
  hasAppointmentWith(patientId: number, doctorId: number): Promise<boolean>;
  /** Distinct patients who have non-cancelled appointments with the doctor. */
  listOfDoctor(
    doctorId: number,
    offset: number,
    limit: number,
  ): Promise<{ rows: PatientRecord[]; total: number }>;
  /** The patient of an appointment, if that appointment is with this doctor and not cancelled. */
  findOfAppointment(appointmentId: number, doctorId: number): Promise<PatientRecord | null>;
}

export const PATIENT_READ_MODEL = Symbol.for("doctorly.PatientReadModel");
