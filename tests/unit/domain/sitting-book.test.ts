import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../../src/domain/events.js";
import type { Result } from "../../../src/domain/shared/result.js";
import {
  bookSeat,
  cancelSeat,
  closedReasonOf,
  closeSitting,
  joinWaitlist,
  leaveWaitlist,
  moveSeatIn,
  moveSeatOut,
  resizeSitting,
  type Seat,
  type SittingBook,
  seatsToOpen,
  type WaitingEntry,
  withdrawPatient,
} from "../../../src/domain/sitting/sitting-book.js";
import { DEFAULT_LIMITS } from "../../../src/domain/user/limits.js";

const NOW = new Date("2026-12-07T05:00:00Z");
const STARTED = new Date("2026-12-07T05:30:00Z");
const LIMITS = { ...DEFAULT_LIMITS, seatsPerSittingPerAccount: 2 };

const seat = (seatNo: number, patientId: number, ownerUserId = 100 + patientId): Seat => ({
  appointmentId: 1000 + seatNo,
  seat: seatNo,
  patientId,
  ownerUserId,
  status: "booked",
});
const entry = (id: number, patientId: number, ownerUserId = 100 + patientId): WaitingEntry => ({
  id,
  patientId,
  ownerUserId,
});

const makeBook = (
  seats: Seat[] = [],
  waiting: WaitingEntry[] = [],
  capacity = 3,
  closedReason: string | null = null,
): SittingBook => ({
  slot: {
    id: 7,
    doctorId: 9,
    day: "monday",
    startMinute: 390,
    appointmentDuration: 20,
    numSlots: capacity,
    consultationFee: 50,
  },
  sitting: {
    slotId: 7,
    date: "2026-12-07",
    startsAt: STARTED,
    endsAt: new Date("2026-12-07T06:30:00Z"),
    capacity,
  },
  doctorId: 9,
  seats,
  waiting,
  closedReason,
  cancelled: [],
});

const ask = (patientId: number, ownerUserId = 100 + patientId, newId = 2000) => ({
  patientId,
  ownerUserId,
  newId,
});

const codeOf = <T>(r: Result<T>) => (r.ok ? "ok" : r.error.code);
const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`refused: ${r.error.code}`);
  return r.value;
};
const types = (events: readonly DomainEvent[]) => events.map((e) => e.type);

describe("bookSeat", () => {
  it("gives the lowest free seat", () => {
    const { book } = value(bookSeat(makeBook([seat(1, 1), seat(3, 3)]), ask(5), NOW, LIMITS));
    expect(book.seats.find((s) => s.patientId === 5)?.seat).toBe(2);
  });

  it("records AppointmentBooked with the new appointment id", () => {
    const { events } = value(bookSeat(makeBook(), ask(5, 105, 42), NOW, LIMITS));
    expect(events).toEqual([
      {
        type: "AppointmentBooked",
        appointmentId: 42,
        doctorId: 9,
        slotId: 7,
        date: "2026-12-07",
        seat: 1,
        patientId: 5,
      },
    ]);
  });

  it("refuses a patient who already holds a seat", () => {
    expect(codeOf(bookSeat(makeBook([seat(1, 5)]), ask(5), NOW, LIMITS))).toBe("already_booked");
  });

  it("refuses when every seat is held", () => {
    const full = makeBook([seat(1, 1), seat(2, 2), seat(3, 3)]);
    expect(codeOf(bookSeat(full, ask(5), NOW, LIMITS))).toBe("sitting_full");
  });

  it("refuses an account at its cap of patients in the sitting", () => {
    const book = makeBook([seat(1, 1, 77), seat(2, 2, 77)], [], 5);
    expect(codeOf(bookSeat(book, ask(5, 77), NOW, LIMITS))).toBe("limit_reached");
  });

  it("counts the account's waiting entries towards its cap", () => {
    const book = makeBook([seat(1, 1, 77)], [entry(1, 2, 77)], 5);
    expect(codeOf(bookSeat(book, ask(5, 77), NOW, LIMITS))).toBe("limit_reached");
  });

  it("lets a patient who waits book a seat within the cap", () => {
    const book = makeBook([seat(1, 1, 77)], [entry(1, 5, 77)], 5);
    expect(codeOf(bookSeat(book, ask(5, 77), NOW, LIMITS))).toBe("ok");
  });

  it("refuses a sitting that has started", () => {
    const refused = bookSeat(makeBook(), ask(5), STARTED, LIMITS);
    expect(refused.ok ? null : refused.error.kind).toBe("validation");
    expect(codeOf(refused)).toBe("sitting_started");
  });

  it("refuses a closed sitting", () => {
    expect(codeOf(bookSeat(makeBook([], [], 3, "ill"), ask(5), NOW, LIMITS))).toBe("sitting_closed");
  });
});

describe("cancelSeat", () => {
  it("frees the seat and records AppointmentCancelled", () => {
    const { book, events } = value(
      cancelSeat(makeBook([seat(1, 1), seat(2, 2)]), { appointmentId: 1001, by: "patient" }, NOW, 2000),
    );
    expect(book.seats.map((s) => s.patientId)).toEqual([2]);
    expect(types(events)).toEqual(["AppointmentCancelled"]);
  });

  it("hands the freed seat to the first entry waiting", () => {
    const full = makeBook([seat(1, 1), seat(2, 2), seat(3, 3)], [entry(1, 8), entry(2, 9)]);
    const { book, events } = value(cancelSeat(full, { appointmentId: 1002, by: "patient" }, NOW, 2000));
    expect(book.seats).toContainEqual({
      appointmentId: 2000,
      seat: 2,
      patientId: 8,
      ownerUserId: 108,
      status: "booked",
    });
    expect(book.waiting).toEqual([entry(2, 9)]);
    expect(types(events)).toEqual(["AppointmentCancelled", "AppointmentBooked"]);
  });

  it("skips a waiting patient who holds a seat there", () => {
    const full = makeBook([seat(1, 1), seat(2, 8)], [entry(1, 8), entry(2, 9)], 2);
    const { book } = value(cancelSeat(full, { appointmentId: 1001, by: "patient" }, NOW, 2000));
    expect(book.seats.map((s) => s.patientId)).toEqual([8, 9]);
    expect(book.waiting).toEqual([entry(1, 8)]);
  });

  it("hands over past the account's cap: the entry counted already", () => {
    const full = makeBook([seat(1, 1, 77), seat(2, 2)], [entry(1, 3, 77)], 2);
    const { book } = value(cancelSeat(full, { appointmentId: 1002, by: "patient" }, NOW, 2000));
    expect(book.seats.filter((s) => s.ownerUserId === 77)).toHaveLength(2);
  });

  it("refuses once the sitting has started", () => {
    expect(
      codeOf(cancelSeat(makeBook([seat(1, 1)]), { appointmentId: 1001, by: "patient" }, STARTED, 2000)),
    ).toBe("sitting_started");
  });

  it("refuses an appointment that is not booked", () => {
    const arrived = makeBook([{ ...seat(1, 1), status: "arrived" }]);
    expect(codeOf(cancelSeat(arrived, { appointmentId: 1001, by: "patient" }, NOW, 2000))).toBe(
      "illegal_transition",
    );
  });

  it("refuses an appointment cancelled already", () => {
    expect(
      codeOf(cancelSeat(makeBook([seat(1, 1)]), { appointmentId: 1009, by: "patient" }, NOW, 2000)),
    ).toBe("illegal_transition");
  });
});

describe("joinWaitlist", () => {
  const full = () => makeBook([seat(1, 1), seat(2, 2), seat(3, 3)], [entry(1, 8)]);

  it("puts the patient last in line", () => {
    const joined = value(joinWaitlist(full(), ask(5, 105, 50), NOW, LIMITS));
    expect(joined.book.waiting.map((w) => w.id)).toEqual([1, 50]);
    expect(joined.position).toBe(2);
    expect(types(joined.events)).toEqual(["WaitlistJoined"]);
  });

  it("refuses when a seat is free", () => {
    expect(codeOf(joinWaitlist(makeBook([seat(1, 1)]), ask(5), NOW, LIMITS))).toBe("sitting_not_full");
  });

  it("refuses a patient who holds a seat", () => {
    expect(codeOf(joinWaitlist(full(), ask(2), NOW, LIMITS))).toBe("already_booked");
  });

  it("refuses a patient already waiting", () => {
    expect(codeOf(joinWaitlist(full(), ask(8), NOW, LIMITS))).toBe("already_waiting");
  });

  it("refuses an account at its cap in the sitting", () => {
    const book = makeBook([seat(1, 1, 77), seat(2, 2, 77), seat(3, 3)]);
    expect(codeOf(joinWaitlist(book, ask(5, 77), NOW, LIMITS))).toBe("limit_reached");
  });

  it("refuses a started or closed sitting", () => {
    expect(codeOf(joinWaitlist(full(), ask(5), STARTED, LIMITS))).toBe("sitting_started");
    expect(codeOf(joinWaitlist({ ...full(), closedReason: "ill" }, ask(5), NOW, LIMITS))).toBe(
      "sitting_closed",
    );
  });
});

describe("leaveWaitlist", () => {
  it("removes the entry and records WaitlistLeft", () => {
    const { book, events } = value(leaveWaitlist(makeBook([], [entry(1, 8), entry(2, 9)]), 1, 108));
    expect(book.waiting).toEqual([entry(2, 9)]);
    expect(types(events)).toEqual(["WaitlistLeft"]);
  });

  it("answers not found for another account's entry", () => {
    expect(codeOf(leaveWaitlist(makeBook([], [entry(1, 8)]), 1, 999))).toBe("waitlist_entry_not_found");
  });

  it("answers not found for an entry no longer waiting", () => {
    expect(codeOf(leaveWaitlist(makeBook(), 1, 108))).toBe("waitlist_entry_not_found");
  });
});

describe("cancelSeat by the doctor", () => {
  const byDoctor = (appointmentId: number) => ({ appointmentId, by: "doctor" as const, reason: "ill" });

  it("records who cancelled and why, and hands the seat over", () => {
    const full = makeBook([seat(1, 1), seat(2, 2), seat(3, 3)], [entry(1, 8)]);
    const { book, events } = value(cancelSeat(full, byDoctor(1002), NOW, 2000));
    expect(book.cancelled).toEqual([{ appointmentId: 1002, by: "doctor", reason: "ill" }]);
    expect(events[0]).toMatchObject({ type: "AppointmentCancelled", cancelledBy: "doctor", reason: "ill" });
    expect(book.seats.map((s) => s.patientId)).toEqual([1, 3, 8]);
  });

  it("may cancel while the sitting runs, not once it has ended", () => {
    expect(codeOf(cancelSeat(makeBook([seat(1, 1)]), byDoctor(1001), STARTED, 2000))).toBe("ok");
    const ended = new Date("2026-12-07T06:30:00Z");
    expect(codeOf(cancelSeat(makeBook([seat(1, 1)]), byDoctor(1001), ended, 2000))).toBe("sitting_ended");
  });

  it("refuses a visit that is not booked", () => {
    const arrived = makeBook([{ ...seat(1, 1), status: "arrived" }]);
    expect(codeOf(cancelSeat(arrived, byDoctor(1001), NOW, 2000))).toBe("illegal_transition");
  });
});

describe("closeSitting", () => {
  it("cancels every seat by the doctor with the reason and ends every waiting entry", () => {
    const closed = value(closeSitting(makeBook([seat(1, 1), seat(2, 2)], [entry(1, 8)]), NOW, "ill"));
    expect(closed.book).toMatchObject({ seats: [], waiting: [], closedReason: "ill" });
    expect(closed.book.cancelled).toEqual([
      { appointmentId: 1001, by: "doctor", reason: "ill" },
      { appointmentId: 1002, by: "doctor", reason: "ill" },
    ]);
    expect(types(closed.events)).toEqual(["AppointmentCancelled", "AppointmentCancelled", "WaitlistLeft"]);
  });

  it("refuses a sitting that has started", () => {
    expect(codeOf(closeSitting(makeBook(), STARTED, "ill"))).toBe("sitting_started");
  });

  it("changes nothing in a sitting closed already (two time offs over one date)", () => {
    const closed = value(closeSitting(makeBook([], [], 3, "holiday"), NOW, "ill"));
    expect(closed.events).toEqual([]);
    expect(closed.book.closedReason).toBe("holiday");
  });

  it("refuses bookings and waiting afterwards", () => {
    const closed = value(closeSitting(makeBook([seat(1, 1)]), NOW, "ill")).book;
    expect(codeOf(bookSeat(closed, ask(5), NOW, LIMITS))).toBe("sitting_closed");
    expect(codeOf(joinWaitlist(closed, ask(5), NOW, LIMITS))).toBe("sitting_closed");
  });
});

describe("closedReasonOf", () => {
  it("says a retired slot first, then the time off's reason or that the doctor is unavailable", () => {
    expect(closedReasonOf({ retired: true, timeOff: "ill" })).toBe("slot retired");
    expect(closedReasonOf({ retired: false, timeOff: "ill" })).toBe("ill");
    expect(closedReasonOf({ retired: false, timeOff: "" })).toBe("doctor unavailable");
    expect(closedReasonOf({ retired: false, timeOff: null })).toBeNull();
  });
});

describe("resizeSitting", () => {
  it("refuses a cut below a held seat, naming each seat above it and the date", () => {
    const book = makeBook([seat(1, 1), seat(4, 4), seat(5, 5)], [], 5);
    const cut = resizeSitting(book, 3, NOW, []);
    expect(codeOf(cut)).toBe("seats_held");
    expect(cut.ok ? [] : cut.error.errors).toEqual([
      { path: "num_slots", message: "seat 4 is held on 2026-12-07" },
      { path: "num_slots", message: "seat 5 is held on 2026-12-07" },
    ]);
    expect(cut.ok ? null : cut.error.kind).toBe("conflict");
  });

  it("cuts down to the highest held seat, with no event; the book has the new capacity", () => {
    const { book, events } = value(resizeSitting(makeBook([seat(1, 1), seat(3, 3)], [], 6), 3, NOW, []));
    expect(events).toEqual([]);
    expect(book.slot.numSlots).toBe(3);
    expect(book.sitting.capacity).toBe(3);
    expect(book.seats.map((s) => s.seat)).toEqual([1, 3]);
  });

  it("seats the entries waiting in the order they joined into the new seats, skipping a patient seated", () => {
    const before = makeBook(
      [seat(1, 1), seat(2, 2)],
      [entry(51, 2), entry(52, 7), entry(53, 8), entry(54, 9)],
      2,
    );
    expect(seatsToOpen(before, 4)).toBe(2);
    const { book, events } = value(resizeSitting(before, 4, NOW, [3001, 3002]));
    expect(types(events)).toEqual(["AppointmentBooked", "AppointmentBooked"]);
    expect(book.seats.slice(2).map((s) => [s.appointmentId, s.seat, s.patientId, s.ownerUserId])).toEqual([
      [3001, 3, 7, 107],
      [3002, 4, 8, 108],
    ]);
    expect(book.waiting.map((w) => w.id)).toEqual([51, 54]);
  });

  it("fills the lowest free seats first and stops when nobody waits", () => {
    const before = makeBook([seat(1, 1), seat(3, 3)], [entry(51, 7)], 3);
    const { book } = value(resizeSitting(before, 5, NOW, [3001, 3002, 3003]));
    expect(book.seats.map((s) => s.seat)).toEqual([1, 3, 2]);
    expect(book.waiting).toEqual([]);
  });

  it("leaves a closed sitting alone, and seats nobody into a sitting that has started", () => {
    const closed = makeBook([seat(5, 5)], [entry(51, 7)], 5, "slot retired");
    expect(seatsToOpen(closed, 8)).toBe(0);
    expect(value(resizeSitting(closed, 2, NOW, [])).events).toEqual([]);
    const started = value(resizeSitting(makeBook([seat(1, 1)], [entry(51, 7)], 1), 3, STARTED, [3001]));
    expect(started.events).toEqual([]);
    expect(started.book.waiting).toHaveLength(1);
    expect(codeOf(resizeSitting(makeBook([seat(2, 2)], [], 2), 1, STARTED, []))).toBe("seats_held");
  });
});

describe("moving a seat (rescheduling)", () => {
  const from = { slotId: 6, date: "2026-11-30", seat: 4 };
  const mover = { appointmentId: 1009, patientId: 5, ownerUserId: 105 };

  it("moves in as a booking takes a seat, keeping the appointment's id and recording where it was", () => {
    const moved = value(moveSeatIn(makeBook([seat(1, 1)]), mover, from, NOW, LIMITS));
    const { book, events } = moved;
    expect(moved.seat).toMatchObject({ appointmentId: 1009, seat: 2, status: "booked" });
    expect(book.movedIn).toEqual([{ appointmentId: 1009, from }]);
    expect(events).toEqual([
      expect.objectContaining({ type: "AppointmentMoved", appointmentId: 1009, seat: 2, from }),
    ]);
  });

  it("refuses to move into a full, closed or started sitting, or one the patient holds", () => {
    const full = makeBook([seat(1, 1), seat(2, 2), seat(3, 3)]);
    expect(codeOf(moveSeatIn(full, mover, from, NOW, LIMITS))).toBe("sitting_full");
    expect(codeOf(moveSeatIn(makeBook([], [], 3, "ill"), mover, from, NOW, LIMITS))).toBe("sitting_closed");
    expect(codeOf(moveSeatIn(makeBook(), mover, from, STARTED, LIMITS))).toBe("sitting_started");
    expect(codeOf(moveSeatIn(makeBook([seat(1, 5)]), mover, from, NOW, LIMITS))).toBe("already_booked");
  });

  it("moves out without cancelling anything, and hands the seat to the first one waiting", () => {
    const full = makeBook([seat(1, 1), seat(2, 2), seat(3, 3)], [entry(1, 8)]);
    const { book, events } = value(moveSeatOut(full, 1002, NOW, 2000));
    expect(book.cancelled).toEqual([]);
    expect(book.seats.map((s) => [s.seat, s.patientId])).toEqual([
      [1, 1],
      [3, 3],
      [2, 8],
    ]);
    expect(types(events)).toEqual(["AppointmentBooked"]);
  });

  it("moves out only a booked seat of a sitting that has not started", () => {
    expect(codeOf(moveSeatOut(makeBook([seat(1, 1)]), 1001, STARTED, 2000))).toBe("sitting_started");
    expect(codeOf(moveSeatOut(makeBook([seat(1, 1)]), 1009, NOW, 2000))).toBe("illegal_transition");
  });
});

describe("withdrawPatient: a deleted patient gives up its places in one sitting", () => {
  const value = (r: Result<{ book: SittingBook; events: readonly DomainEvent[] }>) => {
    if (!r.ok) throw new Error(r.error.code);
    return r.value;
  };

  it("cancels its booked seat as the patient and hands it to the first one waiting", () => {
    const book = makeBook([seat(1, 1), seat(2, 2)], [entry(50, 3), entry(51, 4)], 2);
    const { book: after, events } = value(withdrawPatient(book, { id: 1, ownerUserId: 101 }, NOW, 3000));
    expect(after.seats.map((s) => [s.seat, s.patientId])).toEqual([
      [2, 2],
      [1, 3],
    ]);
    expect(after.waiting).toEqual([entry(51, 4)]);
    expect(after.cancelled).toEqual([{ appointmentId: 1001, by: "patient", reason: null }]);
    expect(events.map((e) => e.type)).toEqual(["AppointmentCancelled", "AppointmentBooked"]);
  });

  it("ends its waiting entry, and changes nothing for a patient without places", () => {
    const book = makeBook([seat(1, 1)], [entry(50, 3), entry(51, 4)], 1);
    const { book: after, events } = value(withdrawPatient(book, { id: 3, ownerUserId: 103 }, NOW, 3000));
    expect(after.waiting).toEqual([entry(51, 4)]);
    expect(after.seats).toEqual(book.seats);
    expect(events).toMatchObject([{ type: "WaitlistLeft", entryId: 50, patientId: 3 }]);
    expect(value(withdrawPatient(book, { id: 99, ownerUserId: 199 }, NOW, 3000))).toEqual({
      book,
      events: [],
    });
  });

  it("keeps the seat of a sitting that has started (it is taking place), and an arrived one", () => {
    const arrived: Seat = { ...seat(2, 2), status: "arrived" };
    const book = makeBook([seat(1, 1), arrived], [entry(50, 3)], 2);
    expect(value(withdrawPatient(book, { id: 1, ownerUserId: 101 }, STARTED, 3000))).toEqual({
      book,
      events: [],
    });
    expect(value(withdrawPatient(book, { id: 2, ownerUserId: 102 }, NOW, 3000))).toEqual({
      book,
      events: [],
    });
  });
});
