import {
  type AppointmentStatus,
  cancelAppointment,
  cancelAppointmentByDoctor,
  lowestFreeSeat,
} from "../appointment/appointment.js";
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
  seatsHeld,
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

/** Who cancelled an appointment. */
export type CancelledBy = "patient" | "doctor";

/** A seat this decision cancelled, with who did it and why (the doctor always gives a reason). */
export interface Cancellation {
  readonly appointmentId: number;
  readonly by: CancelledBy;
  readonly reason: string | null;
}

/**
 * One dated sitting of a slot with everything its rules need: the seats held and who waits, in the
 * order they joined, and why it does not take place when it is closed (its slot retired from that date,
 * or the doctor's time off). It is the consistency boundary: the repository loads it under the
 * sitting's lock (with the slot as it is then), the functions below decide, and the repository saves
 * the difference before the lock is released.
 */
export interface SittingBook {
  readonly slot: Slot;
  readonly sitting: Sitting;
  readonly doctorId: number;
  readonly seats: readonly Seat[];
  readonly waiting: readonly WaitingEntry[];
  /** Null while the sitting takes place; else why not ("slot retired", the time off's reason). */
  readonly closedReason: string | null;
  /** The seats cancelled by the decisions since it was loaded (empty when loaded). */
  readonly cancelled: readonly Cancellation[];
  /** The seats moved in from another sitting since it was loaded (none when absent). */
  readonly movedIn?: readonly MovedIn[];
}

/** Where a rescheduled appointment was. */
export interface Place {
  readonly slotId: number;
  readonly date: string;
  readonly seat: number;
}

/** An existing appointment that takes a seat here, leaving `from`. */
export interface MovedIn {
  readonly appointmentId: number;
  readonly from: Place;
}

/** Why a sitting of a retired slot does not take place. */
export const SLOT_RETIRED = "slot retired";
/** Why a sitting in a time off without a reason does not take place. */
export const DOCTOR_UNAVAILABLE = "doctor unavailable";

/**
 * Why a sitting is closed, from what closes one: its slot retired on or before its date (that wins),
 * or a time off of its doctor covering the date (`timeOff`: its reason, "" when it gave none).
 */
export const closedReasonOf = (facts: { retired: boolean; timeOff: string | null }): string | null =>
  facts.retired ? SLOT_RETIRED : facts.timeOff === null ? null : facts.timeOff || DOCTOR_UNAVAILABLE;

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

const isClosed = (book: SittingBook) => book.closedReason !== null;

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
  if (isClosed(book)) return err(sittingClosed(date));
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

/** A cancel of one seat: by the account that owns its patient, or by the doctor with a reason. */
export type CancelRequest =
  | { readonly appointmentId: number; readonly by: "patient" }
  | { readonly appointmentId: number; readonly by: "doctor"; readonly reason: string };

/** `book` with `seat` cancelled and the event saying so. */
const withoutSeat = (book: SittingBook, seat: Seat, by: CancelledBy, reason: string | null): Decided => ({
  book: {
    ...book,
    seats: book.seats.filter((s) => s !== seat),
    cancelled: [...book.cancelled, { appointmentId: seat.appointmentId, by, reason }],
  },
  events: [{ type: "AppointmentCancelled", ...facts(book, seat), cancelledBy: by, reason }],
});

/**
 * The first entry waiting whose patient holds no seat there gets the lowest free seat (appointment id
 * `handOverId`), never refused by a cap: the entry counted as a seat already.
 */
const handOver = (decided: Decided, handOverId: number): Decided => {
  const { book } = decided;
  const entry = nextInLine(book.waiting, new Set(book.seats.map((s) => s.patientId)));
  const free = freeSeat(book);
  if (entry === null || free === null) return decided;
  const handedOver = seated(
    { ...book, waiting: book.waiting.filter((w) => w !== entry) },
    {
      appointmentId: handOverId,
      seat: free,
      patientId: entry.patientId,
      ownerUserId: entry.ownerUserId,
      status: "booked",
    },
  );
  return { book: handedOver.book, events: [...decided.events, ...handedOver.events] };
};

/**
 * A cancel of a booked seat: the patient's before the sitting starts, the doctor's before it ends. The
 * freed seat goes at once to the first one waiting (see `handOver`). An appointment not among the seats
 * is a cancelled one.
 */
export function cancelSeat(
  book: SittingBook,
  request: CancelRequest,
  now: Date,
  handOverId: number,
): Result<Decided> {
  const seat = book.seats.find((s) => s.appointmentId === request.appointmentId);
  const status = seat?.status ?? "cancelled";
  const cancelled =
    request.by === "doctor"
      ? cancelAppointmentByDoctor(status, book.sitting, now)
      : cancelAppointment(status, book.sitting, now);
  if (!cancelled.ok) return cancelled;
  if (!seat) throw new Error("unreachable: only a held seat can be cancelled");
  const reason = request.by === "doctor" ? request.reason : null;
  return ok(handOver(withoutSeat(book, seat, request.by, reason), handOverId));
}

/**
 * The seat of an appointment leaves for another sitting (rescheduling): allowed as a patient's cancel
 * is (booked, before the sitting starts), but the appointment lives on elsewhere, so nothing is
 * cancelled and no event is recorded here (the sitting it moves into records the move). The freed seat
 * goes at once to the first one waiting (see `handOver`).
 */
export function moveSeatOut(
  book: SittingBook,
  appointmentId: number,
  now: Date,
  handOverId: number,
): Result<Decided & { seat: Seat }> {
  const seat = book.seats.find((s) => s.appointmentId === appointmentId);
  const allowed = cancelAppointment(seat?.status ?? "cancelled", book.sitting, now);
  if (!allowed.ok) return allowed;
  if (!seat) throw new Error("unreachable: only a held seat can move");
  const left: Decided = { book: { ...book, seats: book.seats.filter((s) => s !== seat) }, events: [] };
  return ok({ ...handOver(left, handOverId), seat });
}

/**
 * An existing appointment takes a seat here (rescheduling), exactly as a booking takes one: the lowest
 * free seat, one live seat per patient, the account's cap in the sitting, and not in a closed or started
 * sitting. The appointment keeps its id; `from` is the place it leaves.
 */
export function moveSeatIn(
  book: SittingBook,
  request: { readonly appointmentId: number; readonly patientId: number; readonly ownerUserId: number },
  from: Place,
  now: Date,
  limits: Limits,
): Result<Decided & { seat: Seat }> {
  const booked = bookSeat(book, { ...request, newId: request.appointmentId }, now, limits);
  if (!booked.ok) return booked;
  const { seat } = booked.value;
  return ok({
    book: {
      ...booked.value.book,
      movedIn: [...(book.movedIn ?? []), { appointmentId: seat.appointmentId, from }],
    },
    events: [{ type: "AppointmentMoved", ...facts(book, seat), from }],
    seat,
  });
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
  if (isClosed(book)) return err(sittingClosed(date));
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
 * The sitting no longer takes place (`reason`: its slot retired, the doctor's time off): every held seat
 * is cancelled by the doctor with that reason and every waiting entry ends; nobody can book or wait for
 * it afterwards. Closing a closed sitting changes nothing (two time offs may cover one date). A sitting
 * that has started is refused: it is taking place.
 */
export function closeSitting(book: SittingBook, now: Date, reason: string): Result<Decided> {
  if (isClosed(book)) return ok({ book, events: [] });
  if (hasStarted(book, now)) return err(closingOfStartedSitting);
  const { date } = book.sitting;
  let decided: Decided = { book, events: [] };
  for (const seat of book.seats) {
    const next = withoutSeat(decided.book, seat, "doctor", reason);
    decided = { book: next.book, events: [...decided.events, ...next.events] };
  }
  return ok({
    book: { ...decided.book, waiting: [], closedReason: reason },
    events: [
      ...decided.events,
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
  });
}

/**
 * The sitting after its slot's capacity changed to `newCapacity`. A closed sitting needs nothing.
 * Lowering below a held seat is refused (`seats_held`, naming each seat and the date): nobody loses a
 * place. Raising opens the new seats at once: entries waiting for a sitting that has not started are
 * seated into them in the order they joined (see `handOver`), using `newIds` for the appointments
 * (`seatsToOpen` says how many it needs).
 */
export function resizeSitting(
  book: SittingBook,
  newCapacity: number,
  now: Date,
  newIds: readonly number[],
): Result<Decided> {
  const resized: SittingBook = {
    ...book,
    slot: { ...book.slot, numSlots: newCapacity },
    sitting: { ...book.sitting, capacity: newCapacity },
  };
  if (isClosed(book)) return ok({ book: resized, events: [] });
  const above = book.seats.filter((s) => s.seat > newCapacity).sort((a, b) => a.seat - b.seat);
  if (above.length > 0) return err(seatsHeld(above.map((s) => ({ seat: s.seat, date: book.sitting.date }))));
  let decided: Decided = { book: resized, events: [] };
  if (hasStarted(book, now)) return ok(decided);
  for (const id of newIds) {
    const next = handOver(decided, id);
    if (next === decided) break;
    decided = next;
  }
  return ok(decided);
}

/** How many appointment ids `resizeSitting` may use for `book` at `newCapacity`. */
export const seatsToOpen = (book: SittingBook, newCapacity: number): number =>
  isClosed(book) ? 0 : Math.max(0, Math.min(book.waiting.length, newCapacity - book.seats.length));

const then = (first: Decided, next: Decided): Decided => ({
  book: next.book,
  events: [...first.events, ...next.events],
});

/**
 * A patient gives up its places in one sitting: its waiting entry ends, and its booked seat is cancelled
 * as a patient's cancel is (the seat handed to the first one waiting, appointment id `handOverId`). A
 * sitting that has started keeps its seats: it is taking place.
 */
export function withdrawPatient(
  book: SittingBook,
  patient: { readonly id: number; readonly ownerUserId: number },
  now: Date,
  handOverId: number,
): Result<Decided> {
  let decided: Decided = { book, events: [] };
  // The entry first, so that the seat freed below never goes to this very patient.
  for (const entry of book.waiting.filter((w) => w.patientId === patient.id)) {
    const left = leaveWaitlist(decided.book, entry.id, patient.ownerUserId);
    if (!left.ok) return left;
    decided = then(decided, left.value);
  }
  for (const seat of book.seats.filter((s) => s.patientId === patient.id && s.status === "booked")) {
    const cancelled = cancelSeat(
      decided.book,
      { appointmentId: seat.appointmentId, by: "patient" },
      now,
      handOverId,
    );
    if (!cancelled.ok) {
      if (cancelled.error.code === "sitting_started") continue;
      return cancelled;
    }
    decided = then(decided, cancelled.value);
  }
  return ok(decided);
}
