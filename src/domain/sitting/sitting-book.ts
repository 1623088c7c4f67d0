import { type AppointmentStatus, cancelAppointment, lowestFreeSeat } from "../appointment/appointment.js";
import { nextInLine } from "../appointment/visit.js";
import type { DomainEvent } from "../events.js";
import { err, ok, type Result } from "../shared/result.js";
import type { Slot } from "../slot/slot.js";
import { type Limits, roomInSitting } from "../user/limits.js";
import type { Sitting } from "./sitting.js";
import {
  alreadyBooked,
  alreadyWaiting,
  bookingOfStartedSitting,
  closingOfStartedSitting,
  sittingClosed,
  sittingFull,
  sittingNotFull,
  waitlistEntryNotFound,
} from "./sitting-book.errors.js";

/** A held seat: an appointment of the sitting that is not cancelled. */
export interface Seat {
  readonly appointmentId: number;
  /** 1-based, at most the slot's `numSlots`. */
  readonly seat: number;
  readonly patientId: number;
  readonly ownerUserId: number;
  readonly status: Exclude<AppointmentStatus, "cancelled">;
}

/** An entry still waiting for a seat. */
export interface WaitingEntry {
  readonly id: number;
  readonly patientId: number;
  readonly ownerUserId: number;
}

/**
 * One dated sitting of a slot with everything its rules need: the seats held and who waits, in the
 * order they joined. It is the consistency boundary: the repository loads it under the sitting's lock,
 * the functions below decide, and the repository saves the difference before the lock is released.
 */
export interface SittingBook {
  readonly slot: Slot;
  readonly sitting: Sitting;
  readonly doctorId: number;
  readonly seats: readonly Seat[];
  readonly waiting: readonly WaitingEntry[];
  readonly closed: boolean;
}

/** A decision: the book after it and the events it records, in the order they happened. */
export interface Decided {
  readonly book: SittingBook;
  readonly events: readonly DomainEvent[];
}

/** A patient asking for a place, and the id the new appointment or entry gets if it is granted. */
export interface PlaceRequest {
  readonly patientId: number;
  readonly ownerUserId: number;
  readonly newId: number;
}

const hasStarted = (book: SittingBook, now: Date) => now.getTime() >= book.sitting.startsAt.getTime();

const freeSeat = (book: SittingBook) =>
  lowestFreeSeat(
    book.seats.map((s) => s.seat),
    book.slot.numSlots,
  );

const holdsSeat = (book: SittingBook, patientId: number) => book.seats.some((s) => s.patientId === patientId);

const facts = (book: SittingBook, seat: Seat) => ({
  appointmentId: seat.appointmentId,
  doctorId: book.doctorId,
  slotId: book.slot.id,
  date: book.sitting.date,
  seat: seat.seat,
  patientId: seat.patientId,
});

const seated = (book: SittingBook, seat: Seat): Decided => ({
  book: { ...book, seats: [...book.seats, seat] },
  events: [{ type: "AppointmentBooked", ...facts(book, seat) }],
});

/**
 * A booking: the lowest free seat, one live seat per patient, and at most
 * `limits.seatsPerSittingPerAccount` patients per account in the sitting (a waiting entry counts as the
 * seat it may become). Refused once the sitting has started or is closed.
 */
export function bookSeat(
  book: SittingBook,
  request: PlaceRequest,
  now: Date,
  limits: Limits,
): Result<Decided & { seat: Seat }> {
  const { date } = book.sitting;
  if (book.closed) return err(sittingClosed(date));
  if (hasStarted(book, now)) return bookingOfStartedSitting;
  if (holdsSeat(book, request.patientId)) return err(alreadyBooked(date));
  const seat = freeSeat(book);
  if (seat === null) return err(sittingFull(date));
  const room = roomInSitting(
    limits,
    request.ownerUserId,
    [...book.seats, ...book.waiting],
    request.patientId,
  );
  if (!room.ok) return room;
  const taken: Seat = {
    appointmentId: request.newId,
    seat,
    patientId: request.patientId,
    ownerUserId: request.ownerUserId,
    status: "booked",
  };
  return ok({ ...seated(book, taken), seat: taken });
}

/**
 * The patient's cancel of a booked seat before the sitting starts. The freed seat goes at once to the
 * first entry waiting whose patient holds no seat there (appointment id `handOverId`), never refused by
 * a cap: the entry counted as a seat already. An appointment not among the seats is a cancelled one.
 */
export function cancelSeat(
  book: SittingBook,
  appointmentId: number,
  now: Date,
  handOverId: number,
): Result<Decided> {
  const seat = book.seats.find((s) => s.appointmentId === appointmentId);
  const cancelled = cancelAppointment(seat?.status ?? "cancelled", book.sitting, now);
  if (!cancelled.ok) return cancelled;
  if (!seat) throw new Error("unreachable: only a held seat can be cancelled");
  const freed: SittingBook = { ...book, seats: book.seats.filter((s) => s !== seat) };
  const events: DomainEvent[] = [{ type: "AppointmentCancelled", ...facts(book, seat) }];
  const entry = nextInLine(freed.waiting, new Set(freed.seats.map((s) => s.patientId)));
  const free = freeSeat(freed);
  if (entry === null || free === null) return ok({ book: freed, events });
  const handedOver = seated(
    { ...freed, waiting: freed.waiting.filter((w) => w !== entry) },
    {
      appointmentId: handOverId,
      seat: free,
      patientId: entry.patientId,
      ownerUserId: entry.ownerUserId,
      status: "booked",
    },
  );
  return ok({ book: handedOver.book, events: [...events, ...handedOver.events] });
}

/**
 * A patient waits for a full sitting: not one already seated there, not twice, and within the
 * per-account cap of the sitting. Refused once the sitting has started or is closed.
 */
export function joinWaitlist(
  book: SittingBook,
  request: PlaceRequest,
  now: Date,
  limits: Limits,
): Result<Decided & { entry: WaitingEntry; position: number }> {
  const { date } = book.sitting;
  if (book.closed) return err(sittingClosed(date));
  if (hasStarted(book, now)) return bookingOfStartedSitting;
  if (holdsSeat(book, request.patientId)) return err(alreadyBooked(date));
  if (freeSeat(book) !== null) return err(sittingNotFull);
  if (book.waiting.some((w) => w.patientId === request.patientId)) return err(alreadyWaiting);
  const room = roomInSitting(
    limits,
    request.ownerUserId,
    [...book.seats, ...book.waiting],
    request.patientId,
  );
  if (!room.ok) return room;
  const entry = { id: request.newId, patientId: request.patientId, ownerUserId: request.ownerUserId };
  const waiting = [...book.waiting, entry];
  return ok({
    book: { ...book, waiting },
    events: [
      { type: "WaitlistJoined", entryId: entry.id, slotId: book.slot.id, date, patientId: entry.patientId },
    ],
    entry,
    position: waiting.length,
  });
}

/** Only an entry still waiting may leave, and only by the account that owns its patient. */
export function leaveWaitlist(book: SittingBook, entryId: number, byUserId: number): Result<Decided> {
  const entry = book.waiting.find((w) => w.id === entryId && w.ownerUserId === byUserId);
  if (!entry) return err(waitlistEntryNotFound);
  return ok({
    book: { ...book, waiting: book.waiting.filter((w) => w !== entry) },
    events: [
      {
        type: "WaitlistLeft",
        entryId: entry.id,
        slotId: book.slot.id,
        date: book.sitting.date,
        patientId: entry.patientId,
      },
    ],
  });
}

/**
 * The doctor closes a sitting that has not started: every held seat is cancelled and every waiting
 * entry ends; nobody can book or wait for it afterwards. `reason` is for the notices.
 */
export function closeSitting(
  book: SittingBook,
  now: Date,
  reason: string,
): Result<Decided & { reason: string }> {
  if (book.closed) return err(sittingClosed(book.sitting.date));
  if (hasStarted(book, now)) return err(closingOfStartedSitting);
  const { date } = book.sitting;
  return ok({
    book: { ...book, seats: [], waiting: [], closed: true },
    events: [
      ...book.seats.map((s): DomainEvent => ({ type: "AppointmentCancelled", ...facts(book, s) })),
      ...book.waiting.map(
        (w): DomainEvent => ({
          type: "WaitlistLeft",
          entryId: w.id,
          slotId: book.slot.id,
          date,
          patientId: w.patientId,
        }),
      ),
    ],
    reason,
  });
}
