import type { PatientRecord } from "./patient.repository.js";
import type { SlotWithDoctor } from "./slot.repository.js";

/** What a booking reads before it looks at any sitting, under the account's lock. */
export interface BookingContext {
  /** The account's patient (not deleted), or null. */
  readonly patient: PatientRecord | null;
  /** As `SlotRepository.findWithTimeZone` reads it, the doctor's row shared until the transaction ends. */
  readonly slot: SlotWithDoctor | null;
  /** As `AccountUsage.liveAppointments` counts them. */
  readonly liveAppointments: number;
}

/**
 * The three reads of a booking that follow the account's lock (`AccountUsage.lock`), in one round trip:
 * `PatientRepository.findOwned`, `SlotRepository.findWithTimeZone` and `AccountUsage.liveAppointments`,
 * with the same meaning and the same lock on the doctor's row (taken before any sitting's lock).
 */
export interface BookingContextReader {
  read(request: { userId: number; patientId: number; slotId: number; now: Date }): Promise<BookingContext>;
}
