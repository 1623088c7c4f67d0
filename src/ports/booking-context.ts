import type { PatientRecord } from "./patient.repository.js";
import type { SlotWithDoctor } from "./slot.repository.js";

/** What a booking reads before it looks at any sitting, as the statement that takes the account's lock sees it. */
export interface BookingContext {
  /**
   * The account's patient (not deleted), or null, as committed when the statement started: it may have
   * been deleted while the statement waited for the account's lock (answer the early 404 on it, decide on
   * `SittingBookRepository.lockAndLoadWithAccount`'s).
   */
  readonly patient: PatientRecord | null;
  /** As `SlotRepository.findWithTimeZone` reads it, the doctor's row shared until the transaction ends. */
  readonly slot: SlotWithDoctor | null;
  /** True when the sitting asked for (`lockSitting`) is locked now, as `SittingBookRepository.lockAndLoad` locks it. */
  readonly sittingLocked: boolean;
}

/**
 * The first round trip of a booking after its idempotency check: the account's lock (as
 * `AccountUsage.lock` takes it), then `PatientRepository.findOwned` and `SlotRepository.findWithTimeZone`
 * with the same meaning and the same lock on the doctor's row, in ADR 0008's order (account, doctor's
 * row, sitting). Its reads see what was committed when the statement started, before any lock wait
 * (but the doctor's row, which its lock reads in its latest version).
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
    lockSitting?: string | undefined;
  }): Promise<BookingContext>;
}
