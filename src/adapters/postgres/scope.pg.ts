import type { CommonQueryMethods } from "slonik";
import type { TransactionScope } from "../../ports/unit-of-work.js";
import { PgAccountUsage } from "./account-usage.pg.js";
import type { AppendedRows } from "./appended-rows.pg.js";
import { PgAppointmentRepository } from "./appointment.repository.pg.js";
import { PgBookingContextReader } from "./booking-context.pg.js";
import { PgDoctorRepository } from "./doctor.repository.pg.js";
import { PgIdempotencyStore } from "./idempotency.store.pg.js";
import { PgImageRepository } from "./image.repository.pg.js";
import { PgPatientRepository } from "./patient.repository.pg.js";
import { PgRatingRepository } from "./rating.repository.pg.js";
import { PgSessionStore } from "./session.store.pg.js";
import { PgSittingBookRepository } from "./sitting-book.repository.pg.js";
import { PgSlotRepository } from "./slot.repository.pg.js";
import { PgTimeOffRepository } from "./time-off.repository.pg.js";
import { PgUserRepository } from "./user.repository.pg.js";
import { PgWaitlistRepository } from "./waitlist.repository.pg.js";

/**
 * Every repository of a transaction, built on that transaction's connection. Outbox events and
 * notifications are only appended: `appended` holds them until the unit of work flushes it before commit.
 * A new appointment is held there too, but written before any later statement of the transaction runs, so
 * every statement sees what the transaction wrote before it.
 */
export function pgTransactionScope(tx: CommonQueryMethods, appended: AppendedRows): TransactionScope {
  const db = appointmentsWrittenFirst(tx, appended);
  return {
    outbox: appended,
    doctors: new PgDoctorRepository(db),
    slots: new PgSlotRepository(db),
    timeOff: new PgTimeOffRepository(db),
    patients: new PgPatientRepository(db),
    appointments: new PgAppointmentRepository(db),
    sittings: new PgSittingBookRepository(db, appended),
    idempotency: new PgIdempotencyStore(db),
    waitlist: new PgWaitlistRepository(db),
    ratings: new PgRatingRepository(db),
    notifications: appended,
    users: new PgUserRepository(db),
    sessions: new PgSessionStore(db),
    images: new PgImageRepository(db),
    usage: new PgAccountUsage(db),
    bookingContext: new PgBookingContextReader(db),
  };
}

/** `tx`, on which every query first writes the appointments `appended` holds. */
function appointmentsWrittenFirst(tx: CommonQueryMethods, appended: AppendedRows): CommonQueryMethods {
  return new Proxy(tx, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        await appended.flushAppointments(target);
        return value.apply(target, args);
      };
    },
  });
}
