import type { Qualification } from "../domain/doctor/doctor.js";

export interface DoctorRecord {
  readonly id: number;
  readonly userId: number;
  readonly timeZone: string;
}

/** The write side of a doctor's profile, used inside a unit of work. */
export interface DoctorRepository {
  insert(input: { userId: number; description: string; timeZone: string }): Promise<DoctorRecord>;
  /** Locks the doctor's row so that concurrent changes to one doctor's profile or slots run one at a time. */
  lockByUserId(userId: number): Promise<DoctorRecord | null>;
  specializationIds(doctorId: number): Promise<number[]>;
  addSpecializations(doctorId: number, specializationIds: readonly number[]): Promise<void>;
  qualificationIds(doctorId: number): Promise<number[]>;
  addQualifications(doctorId: number, qualifications: readonly Qualification[]): Promise<void>;
}
