export type Gender = "male" | "female" | "other";

export interface PatientInput {
  readonly name: string;
  readonly age: number;
  readonly gender: Gender;
  readonly symptoms: string | null;
}

export interface PatientRecord extends PatientInput {
  readonly id: number;
  readonly userId: number;
}

/** The fields of a patient to change; those left undefined stay as they are (`symptoms: null` clears). */
export type PatientChange = { readonly [K in keyof PatientInput]?: PatientInput[K] | undefined };

/** What an erased patient is called from then on; its symptoms are null. */
export const ERASED_PATIENT_NAME = "Deleted patient";
/** The text of every notice about a deleted patient's appointments (they named the patient). */
export const ERASED_PATIENT_NOTICE = "This notice was about a patient who has since been deleted.";

export interface PatientRepository {
  insert(userId: number, input: PatientInput): Promise<PatientRecord>;
  /**
   * The patient if `userId` owns it and it is not deleted; null for a missing, deleted or someone
   * else's patient alike.
   */
  findOwned(patientId: number, userId: number): Promise<PatientRecord | null>;
  /** Changes an owned patient that is not deleted; null (nothing changed) as `findOwned` answers null. */
  updateOwned(patientId: number, userId: number, change: PatientChange): Promise<PatientRecord | null>;
  /**
   * Erases a patient: its name becomes ERASED_PATIENT_NAME, its symptoms null, the notices about its
   * appointments ERASED_PATIENT_NOTICE, and it is deleted (owner reads no longer see it). Its appointments stay, so past visits keep counting for their doctors.
   */
  erase(patientId: number): Promise<void>;
  /** The ids of the account's patients that are not deleted, ascending. */
  idsOwnedBy(userId: number): Promise<number[]>;
}
