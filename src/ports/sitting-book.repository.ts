import type { SittingBook } from "../domain/sitting/sitting-book.js";
import type { Slot } from "../domain/slot/slot.js";
import type { PatientRecord } from "./patient.repository.js";

/** Where a waiting entry waits, read without a lock. */
export interface EntryPlace {
  readonly slotId: number;
  readonly date: string;
}

/** The booking account whose state `lockAndLoadWithAccount` reads again, with the book. */
export interface BookingAccount {
  readonly userId: number;
  readonly patientId: number;
  readonly now: Date;
}

/** A booking account's state as committed once every lock of the booking was granted. */
export interface BookingAccountState {
  /** As `PatientRepository.findOwned` answers it: the account's patient (not deleted), or null. */
  readonly patient: PatientRecord | null;
  /** As `AccountUsage.liveAppointments` counts them at the account's `now`. */
  readonly liveAppointments: number;
}

/** What `lockAndLoad` may do in the same round trip. */
export interface LoadOptions {
  readonly appointmentId?: boolean;
  /** The transaction holds the sitting's lock already (`BookingContextReader.read`'s `lockSitting`). */
  readonly locked?: boolean;
}

/**
 * The repository of the dated-sitting aggregate. Used inside a unit of work: the sitting's lock is
 * held from `lockAndLoad` until the transaction ends, so the book cannot change under its decision.
 * The database constraints stay the last judge (`appointments_seat_taken` and the like).
 */
export interface SittingBookRepository {
  /**
   * Serializes every change of the sitting of `slot` on `date` until the transaction ends, then loads
   * its book. `date` must be a date of the slot's weekday (see `checkBookingDate`).
   */
  lockAndLoad(slot: Slot, timeZone: string, date: string, reserve?: LoadOptions): Promise<SittingBook>;
  /**
   * `lockAndLoad`, which also reads the account's patient and live appointments in the statement that
   * reads the book. A booking takes the account's lock in the statement that reads its context
   * (`BookingContextReader.read`), whose snapshot predates the lock: what another transaction of the
   * account committed while this one waited for the lock is seen only here, once every lock is granted.
   * The booking decides the patient's existence and the account's cap on these values.
   */
  lockAndLoadWithAccount(
    slot: Slot,
    timeZone: string,
    date: string,
    reserve: LoadOptions,
    account: BookingAccount,
  ): Promise<{ book: SittingBook; account: BookingAccountState }>;
  /**
   * An id for a new appointment. Taken under the sitting's lock. With `reserve.appointmentId`, the last
   * `lockAndLoad` took it already (in the same round trip) and this answers it.
   */
  newAppointmentId(): Promise<number>;
  /** An id for a new waiting entry. Taken under the sitting's lock, so ids keep the order entries joined. */
  newWaitingEntryId(): Promise<number>;
  /**
   * The sittings in which a patient holds a booked seat whose sitting may not have started at `now`, or
   * waits, read without a lock, in (slot id, date) order: the order sitting locks are taken in.
   */
  placesOfPatient(patientId: number, now: Date): Promise<EntryPlace[]>;
  /** The sitting a waiting entry belongs to, whatever its status; null when no entry has that id. */
  placeOfEntry(entryId: number): Promise<EntryPlace | null>;
  /**
   * Writes what changed from `before` to `after` (both of one sitting): seats gone are cancelled, new
   * seats booked; entries gone became booked (their patient holds a new seat) or left; new entries wait.
   * Returns when each new appointment was created.
   */
  save(before: SittingBook, after: SittingBook): Promise<{ createdAt: ReadonlyMap<number, Date> }>;
}
