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

export interface PatientRepository {
  insert(userId: number, input: PatientInput): Promise<PatientRecord>;
  /** The patient if `userId` owns it; null for a missing patient and for someone else's alike. */
  findOwned(patientId: number, userId: number): Promise<PatientRecord | null>;
}
