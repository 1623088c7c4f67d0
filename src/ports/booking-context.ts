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
  /** True when the sitting asked for (`lockSitting`) is locked now, as `SittingBookRepository.lockAndLoad` locks it. */
  readonly sittingLocked: boolean;
}

/**
 * The three reads of a booking that follow the account's lock (`AccountUsage.lock`), in one round trip:
 * `PatientRepository.findOwned`, `SlotRepository.findWithTimeZone` and `AccountUsage.liveAppointments`,
 * with the same meaning and the same lock on the doctor's row (taken before any sitting's lock).
 */
export interface BookingContextReader {
  /**
   * With `lockSitting` (a date), the same round trip also takes the lock of the slot's sitting on that
   * date, once the doctor's row is locked (ADR 0008's order), when the slot exists: its book can then be
   * loaded without locking it again (`lockAndLoad`'s `locked`).
   */
  read(request: {
    userId: number;
    patientId: number;
    slotId: number;
    now: Date;
    lockSitting?: string | undefined;
  }): Promise<BookingContext>;
}
