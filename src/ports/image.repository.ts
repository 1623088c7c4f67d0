/** Which media key a doctor or a specialization shows, changed inside a unit of work. */
export interface ImageRepository {
  /**
   * Points the profile of doctor account `doctorUserId` at `key` (locking the row) and answers the key
   * it replaces; null when the account has no doctor profile.
   */
  setDoctorImage(
    doctorUserId: number,
    key: string,
  ): Promise<{ doctorId: number; previousKey: string | null } | null>;
  /** The same for a specialization; null when there is no specialization with that id. */
  setSpecializationImage(
    specializationId: number,
    key: string,
  ): Promise<{ id: number; name: string; previousKey: string | null } | null>;
}
