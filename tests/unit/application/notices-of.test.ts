import { describe, expect, it } from "vitest";
import { noticesOf } from "../../../src/application/notifications/notices-of.js";
import type { SittingBook } from "../../../src/domain/sitting/sitting-book.js";
import {
  bookSeat,
  cancelSeat,
  closeSitting,
  joinWaitlist,
} from "../../../src/domain/sitting/sitting-book.js";
import { DEFAULT_LIMITS } from "../../../src/domain/user/limits.js";

const NOW = new Date("2026-12-07T05:00:00Z");
const empty: SittingBook = {
  slot: {
    id: 7,
    doctorId: 9,
    day: "monday",
    startMinute: 390,
    appointmentDuration: 20,
    numSlots: 1,
    consultationFee: 0,
  },
  sitting: {
    slotId: 7,
    date: "2026-12-07",
    startsAt: new Date("2026-12-07T05:30:00Z"),
    endsAt: new Date("2026-12-07T06:30:00Z"),
    capacity: 1,
  },
  doctorId: 9,
  seats: [],
  waiting: [],
  closedReason: null,
  cancelled: [],
};

const decide = <T extends { book: SittingBook }>(r: { ok: true; value: T } | { ok: false }) => {
  if (!r.ok) throw new Error("refused");
  return r.value;
};

describe("noticesOf", () => {
  it("tells the booking account which seat its patient holds", () => {
    const booked = decide(
      bookSeat(empty, { patientId: 1, ownerUserId: 11, newId: 100 }, NOW, DEFAULT_LIMITS),
    );
    expect(
      noticesOf({ before: empty, after: booked.book, events: booked.events }, new Map([[1, "Ann"]])),
    ).toEqual([
      {
        userId: 11,
        kind: "booked",
        text: "Ann holds seat 1 in the sitting of 2026-12-07 (appointment 100).",
        appointmentId: 100,
      },
    ]);
  });

  it("tells the cancelling account, then the account whose entry got the seat", () => {
    const full = decide(
      bookSeat(empty, { patientId: 1, ownerUserId: 11, newId: 100 }, NOW, DEFAULT_LIMITS),
    ).book;
    const before = decide(
      joinWaitlist(full, { patientId: 2, ownerUserId: 22, newId: 5 }, NOW, DEFAULT_LIMITS),
    ).book;
    const cancelled = decide(cancelSeat(before, { appointmentId: 100, by: "patient" }, NOW, 101));
    const notices = noticesOf({ before, after: cancelled.book, events: cancelled.events });
    expect(notices.map((n) => [n.userId, n.kind, n.appointmentId])).toEqual([
      [11, "cancelled", 100],
      [22, "moved_from_waitlist", 101],
    ]);
    expect(notices[1]?.text).toBe(
      "A seat freed up: you now hold seat 1 in the sitting of 2026-12-07 (appointment 101).",
    );
  });

  it("gives no notice for joining a waitlist", () => {
    const full = decide(
      bookSeat(empty, { patientId: 1, ownerUserId: 11, newId: 100 }, NOW, DEFAULT_LIMITS),
    ).book;
    const joined = decide(
      joinWaitlist(full, { patientId: 2, ownerUserId: 22, newId: 5 }, NOW, DEFAULT_LIMITS),
    );
    expect(noticesOf({ before: full, after: joined.book, events: joined.events })).toEqual([]);
  });

  it("tells the holder why the doctor cancelled, and the next in line of the seat", () => {
    const full = decide(
      bookSeat(empty, { patientId: 1, ownerUserId: 11, newId: 100 }, NOW, DEFAULT_LIMITS),
    ).book;
    const before = decide(
      joinWaitlist(full, { patientId: 2, ownerUserId: 22, newId: 5 }, NOW, DEFAULT_LIMITS),
    ).book;
    const cancelled = decide(
      cancelSeat(before, { appointmentId: 100, by: "doctor", reason: "called to surgery" }, NOW, 101),
    );
    const notices = noticesOf({ before, after: cancelled.book, events: cancelled.events });
    expect(notices.map((n) => [n.userId, n.kind])).toEqual([
      [11, "cancelled_by_doctor"],
      [22, "moved_from_waitlist"],
    ]);
    expect(notices[0]?.text).toBe(
      "The doctor cancelled Appointment 100 (seat 1 on 2026-12-07): called to surgery.",
    );
  });

  it("tells every seat holder and every waiting account of a closed sitting, with the reason", () => {
    const full = decide(
      bookSeat(empty, { patientId: 1, ownerUserId: 11, newId: 100 }, NOW, DEFAULT_LIMITS),
    ).book;
    const before = decide(
      joinWaitlist(full, { patientId: 2, ownerUserId: 22, newId: 5 }, NOW, DEFAULT_LIMITS),
    ).book;
    const closed = decide(closeSitting(before, NOW, "holiday"));
    const notices = noticesOf({ before, after: closed.book, events: closed.events });
    expect(notices).toEqual([
      {
        userId: 11,
        kind: "sitting_closed",
        text: "The sitting of 2026-12-07 does not take place (holiday): Appointment 100 (seat 1 on 2026-12-07) is cancelled.",
        appointmentId: 100,
      },
      {
        userId: 22,
        kind: "sitting_closed",
        text: "The sitting of 2026-12-07 does not take place (holiday): your place on its waitlist has ended.",
        appointmentId: null,
      },
    ]);
  });
});
