import type { Qualification } from "../domain/doctor/doctor.js";

export interface DoctorRecord {
  readonly id: number;
  readonly userId: number;
  readonly timeZone: string;
  /** Patients see the doctor only once an admin has verified it. */
  readonly verified: boolean;
}

/** Fields of a doctor's profile to change; those left out stay as they are. Already checked. */
export interface ProfileChange {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly timeZone?: string | undefined;
}

/** The write side of a doctor's profile, used inside a unit of work. */
export interface DoctorRepository {
  insert(input: { userId: number; description: string; timeZone: string }): Promise<DoctorRecord>;
  /** Locks the doctor's row so that concurrent changes to one doctor's profile or slots run one at a time. */
  lockByUserId(userId: number): Promise<DoctorRecord | null>;
  /** The same lock, by doctor id (an admin's change to the doctor). */
  lockById(doctorId: number): Promise<DoctorRecord | null>;
  setVerified(doctorId: number, verified: boolean): Promise<void>;
  specializationIds(doctorId: number): Promise<number[]>;
  addSpecializations(doctorId: number, specializationIds: readonly number[]): Promise<void>;
  qualificationIds(doctorId: number): Promise<number[]>;
  addQualifications(doctorId: number, qualifications: readonly Qualification[]): Promise<void>;
  /** Whether the doctor held it (and now does not). */
  removeSpecialization(doctorId: number, specializationId: number): Promise<boolean>;
  /** Whether the doctor held it (and now does not). */
  removeQualification(doctorId: number, qualificationId: number): Promise<boolean>;
  /** Writes the fields given: the name (of the doctor's account), the description, the time zone. */
  updateProfile(doctor: DoctorRecord, change: ProfileChange): Promise<void>;
  /**
   * The doctor's account is erased: its description and picture go, and patients no longer see it
   * (unverified: it leaves search, `/doctors/all` and every public read).
   */
  erase(doctorId: number): Promise<void>;
}
