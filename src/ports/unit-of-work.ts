import type { Result } from "../domain/shared/result.js";
import type { AccountUsage } from "./account-usage.js";
import type { AppointmentRepository } from "./appointment.repository.js";
import type { BookingContextReader } from "./booking-context.js";
import type { DoctorRepository } from "./doctor.repository.js";
import type { IdempotencyStore } from "./idempotency.store.js";
import type { ImageRepository } from "./image.repository.js";
import type { Notifier } from "./notifier.js";
import type { OutboxWriter } from "./outbox.js";
import type { PatientRepository } from "./patient.repository.js";
import type { RatingRepository } from "./rating.repository.js";
import type { SessionStore } from "./session.store.js";
import type { SittingBookRepository } from "./sitting-book.repository.js";
import type { SlotRepository } from "./slot.repository.js";
import type { TimeOffRepository } from "./time-off.repository.js";
import type { UserRepository } from "./user.repository.js";
import type { WaitlistRepository } from "./waitlist.repository.js";

/**
 * The repositories of one transaction. Features add their repositories here; the Postgres adapter
 * builds all of them on the transaction's connection.
 */
export interface TransactionScope {
  readonly outbox: OutboxWriter;
  readonly doctors: DoctorRepository;
  readonly slots: SlotRepository;
  readonly timeOff: TimeOffRepository;
  readonly patients: PatientRepository;
  readonly appointments: AppointmentRepository;
  /** The dated sittings: seats and waiting entries, loaded under the sitting's lock. */
  readonly sittings: SittingBookRepository;
  readonly idempotency: IdempotencyStore;
  readonly waitlist: WaitlistRepository;
  readonly ratings: RatingRepository;
  readonly notifications: Notifier;
  readonly users: UserRepository;
  /** Sessions, for commands that change credentials and sessions together (a password change). */
  readonly sessions: SessionStore;
  readonly images: ImageRepository;
  readonly usage: AccountUsage;
  /** A booking's reads after the account's lock, in one round trip. */
  readonly bookingContext: BookingContextReader;
}

/**
 * One command = one transaction. A failed Result rolls the transaction back and is returned as is;
 * a database constraint violation that has a domain meaning is returned as that domain error.
 * Nothing outside the database may be touched inside `work` (the transaction may be retried).
 */
export interface UnitOfWork {
  run<T>(work: (scope: TransactionScope) => Promise<Result<T>>): Promise<Result<T>>;
}

export const UNIT_OF_WORK = Symbol.for("doctorly.UnitOfWork");
