import { describe, expect, it } from "vitest";
import {
  bookableDates,
  checkBookingDate,
  expectedTime,
  lockOrder,
  sittingOf,
  upcomingSittings,
} from "../../../src/domain/sitting/sitting.js";
import { localClockOf } from "../../../src/domain/sitting/zoned-time.js";
import type { Slot } from "../../../src/domain/slot/slot.js";

const slot = (overrides: Partial<Slot> = {}): Slot => ({
  id: 3,
  doctorId: 1,
  day: "monday",
  startMinute: 10 * 60 + 30,
  appointmentDuration: 20,
  numSlots: 6,
  consultationFee: 100_000,
  ...overrides,
});

const iso = (d: Date) => d.toISOString();
const hours = (a: Date, b: Date) => (b.getTime() - a.getTime()) / 3_600_000;

describe("sittingOf", () => {
  it("computes start, end and capacity in a zone without DST", () => {
    const sitting = sittingOf(slot(), "2026-12-07", "Asia/Karachi");
    expect(sitting.slotId).toBe(3);
    expect(sitting.date).toBe("2026-12-07");
    expect(iso(sitting.startsAt)).toBe("2026-12-07T05:30:00.000Z");
    expect(iso(sitting.endsAt)).toBe("2026-12-07T07:30:00.000Z");
    expect(sitting.capacity).toBe(6);
  });

  it("ends at the next local midnight for a slot ending at 24:00", () => {
    const sitting = sittingOf(slot({ startMinute: 22 * 60, numSlots: 6 }), "2026-12-07", "Asia/Karachi");
    expect(iso(sitting.endsAt)).toBe("2026-12-07T19:00:00.000Z");
  });

  it("refuses a date that is not the slot's weekday", () => {
    expect(() => sittingOf(slot(), "2026-12-08", "Asia/Karachi")).toThrow(RangeError);
  });

  describe("across DST changes the sitting has its real elapsed length", () => {
    const sunday = (startMinute: number, appointmentDuration: number, numSlots: number) =>
      slot({ day: "sunday", startMinute, appointmentDuration, numSlots });

    it("New York spring-forward 2026-03-08: 01:00–03:00 lasts one hour", () => {
      const s = sittingOf(sunday(60, 30, 4), "2026-03-08", "America/New_York");
      expect(iso(s.startsAt)).toBe("2026-03-08T06:00:00.000Z");
      expect(iso(s.endsAt)).toBe("2026-03-08T07:00:00.000Z");
      expect(hours(s.startsAt, s.endsAt)).toBe(1);
    });

    it("New York fall-back 2026-11-01: 00:30–02:30 lasts three hours", () => {
      const s = sittingOf(sunday(30, 30, 4), "2026-11-01", "America/New_York");
      expect(iso(s.startsAt)).toBe("2026-11-01T04:30:00.000Z");
      expect(iso(s.endsAt)).toBe("2026-11-01T07:30:00.000Z");
      expect(hours(s.startsAt, s.endsAt)).toBe(3);
    });

    it("New York: an ordinary morning sitting after each change uses the new offset", () => {
      expect(iso(sittingOf(sunday(540, 15, 4), "2026-03-08", "America/New_York").startsAt)).toBe(
        "2026-03-08T13:00:00.000Z",
      );
      expect(iso(sittingOf(sunday(540, 15, 4), "2026-11-01", "America/New_York").startsAt)).toBe(
        "2026-11-01T14:00:00.000Z",
      );
    });

    it("London spring-forward 2026-03-29: 00:00–03:00 lasts two hours", () => {
      const s = sittingOf(sunday(0, 60, 3), "2026-03-29", "Europe/London");
      expect(iso(s.startsAt)).toBe("2026-03-29T00:00:00.000Z");
      expect(iso(s.endsAt)).toBe("2026-03-29T02:00:00.000Z");
    });

    it("London fall-back 2026-10-25: 00:00–03:00 lasts four hours", () => {
      const s = sittingOf(sunday(0, 60, 3), "2026-10-25", "Europe/London");
      expect(iso(s.startsAt)).toBe("2026-10-24T23:00:00.000Z");
      expect(iso(s.endsAt)).toBe("2026-10-25T03:00:00.000Z");
      expect(hours(s.startsAt, s.endsAt)).toBe(4);
    });
  });
});

describe("expectedTime", () => {
  it("is start + (seat − 1) × appointment duration", () => {
    const s = slot();
    const sitting = sittingOf(s, "2026-12-07", "Asia/Karachi");
    expect(iso(expectedTime(sitting, s, 1))).toBe("2026-12-07T05:30:00.000Z");
    expect(iso(expectedTime(sitting, s, 2))).toBe("2026-12-07T05:50:00.000Z");
    expect(iso(expectedTime(sitting, s, 6))).toBe("2026-12-07T07:10:00.000Z");
    expect(localClockOf(expectedTime(sitting, s, 4), "Asia/Karachi")).toBe("11:30");
  });

  it("counts elapsed time across a DST change", () => {
    const s = slot({ day: "sunday", startMinute: 60, appointmentDuration: 30, numSlots: 4 });
    const sitting = sittingOf(s, "2026-11-01", "America/New_York");
    expect(iso(expectedTime(sitting, s, 3))).toBe("2026-11-01T06:00:00.000Z");
    expect(localClockOf(expectedTime(sitting, s, 3), "America/New_York")).toBe("01:00");
  });

  it("refuses a seat outside the sitting", () => {
    const s = slot();
    const sitting = sittingOf(s, "2026-12-07", "Asia/Karachi");
    expect(() => expectedTime(sitting, s, 0)).toThrow(RangeError);
    expect(() => expectedTime(sitting, s, 7)).toThrow(RangeError);
  });
});

describe("upcomingSittings", () => {
  const timeZone = "Asia/Karachi";

  it("lists the slot's weekdays in the window in time order", () => {
    const sittings = upcomingSittings(slot(), timeZone, {
      from: "2026-12-01",
      days: 21,
      now: new Date("2026-11-30T00:00:00Z"),
    });
    expect(sittings.map((s) => s.date)).toEqual(["2026-12-07", "2026-12-14", "2026-12-21"]);
  });

  it("counts `days` from `from` inclusive", () => {
    const window = { from: "2026-12-07", now: new Date("2026-11-30T00:00:00Z") };
    expect(upcomingSittings(slot(), timeZone, { ...window, days: 1 }).map((s) => s.date)).toEqual([
      "2026-12-07",
    ]);
    expect(upcomingSittings(slot(), timeZone, { ...window, days: 7 }).map((s) => s.date)).toEqual([
      "2026-12-07",
    ]);
    expect(upcomingSittings(slot(), timeZone, { ...window, days: 8 }).map((s) => s.date)).toEqual([
      "2026-12-07",
      "2026-12-14",
    ]);
  });

  it("keeps a sitting in progress and leaves out one that has ended", () => {
    const from = { from: "2026-12-07", days: 8 };
    const during = upcomingSittings(slot(), timeZone, { ...from, now: new Date("2026-12-07T07:29:00Z") });
    expect(during.map((s) => s.date)).toEqual(["2026-12-07", "2026-12-14"]);
    const atEnd = upcomingSittings(slot(), timeZone, { ...from, now: new Date("2026-12-07T07:30:00Z") });
    expect(atEnd.map((s) => s.date)).toEqual(["2026-12-14"]);
  });
});

describe("checkBookingDate", () => {
  const timeZone = "Asia/Karachi";
  // Monday 2026-12-07 09:00 in Karachi.
  const now = new Date("2026-12-07T04:00:00Z");
  const code = (date: string, at = now, horizon = 60) => {
    const result = checkBookingDate(slot(), date, timeZone, at, horizon);
    return result.ok ? "ok" : `${result.error.kind}:${result.error.code}`;
  };

  it("accepts today's sitting before it starts and returns it", () => {
    const result = checkBookingDate(slot(), "2026-12-07", timeZone, now, 60);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(iso(result.value.startsAt)).toBe("2026-12-07T05:30:00.000Z");
  });

  it("refuses a date that is not the slot's weekday", () => {
    expect(code("2026-12-08")).toBe("validation:wrong_weekday");
  });

  it("refuses a sitting that has started or is past", () => {
    expect(code("2026-12-07", new Date("2026-12-07T05:29:59Z"))).toBe("ok");
    expect(code("2026-12-07", new Date("2026-12-07T05:30:00Z"))).toBe("validation:sitting_started");
    expect(code("2026-11-30")).toBe("validation:sitting_started");
  });

  it("allows today + horizon days and refuses the day after", () => {
    expect(code("2026-12-14", now, 7)).toBe("ok");
    expect(code("2026-12-21", now, 7)).toBe("validation:beyond_horizon");
    // 2026-12-07 + 60 days = 2027-02-05: the Monday before is bookable, the Monday after is not.
    expect(code("2027-02-01", now, 60)).toBe("ok");
    expect(code("2027-02-08", now, 60)).toBe("validation:beyond_horizon");
  });

  it("measures the horizon from the doctor's local today, not the UTC date", () => {
    // Sunday 2026-12-06 20:00 UTC is already Monday 01:00 in Karachi.
    const lateEvening = new Date("2026-12-06T20:00:00Z");
    expect(code("2026-12-14", lateEvening, 7)).toBe("ok");
  });

  it("refuses a malformed date as a validation error", () => {
    expect(code("2026-12-32")).toBe("validation:invalid_date");
  });

  it("names the field in error", () => {
    const result = checkBookingDate(slot(), "2026-12-08", timeZone, now, 60);
    expect(result.ok ? [] : result.error.errors?.map((e) => e.path)).toEqual(["date"]);
  });
});

describe("bookableDates", () => {
  const timeZone = "Asia/Karachi";

  it("lists sittings not yet started within the horizon, earliest first", () => {
    const beforeStart = new Date("2026-12-07T04:00:00Z");
    expect(bookableDates(slot(), timeZone, beforeStart, 14)).toEqual([
      "2026-12-07",
      "2026-12-14",
      "2026-12-21",
    ]);
  });

  it("skips today's sitting once it has started", () => {
    const afterStart = new Date("2026-12-07T05:30:00Z");
    expect(bookableDates(slot(), timeZone, afterStart, 14)).toEqual(["2026-12-14", "2026-12-21"]);
  });

  it("agrees with checkBookingDate on every date", () => {
    const now = new Date("2026-12-07T05:30:00Z");
    const dates = bookableDates(slot(), timeZone, now, 30);
    for (const date of dates) expect(checkBookingDate(slot(), date, timeZone, now, 30).ok).toBe(true);
    expect(dates).toHaveLength(4);
  });
});

describe("lockOrder", () => {
  it("orders sittings by slot id, then date: the one order every command locks them in", () => {
    const places = [
      { slotId: 7, date: "2026-12-14" },
      { slotId: 3, date: "2026-12-21" },
      { slotId: 7, date: "2026-12-07" },
      { slotId: 3, date: "2026-12-07" },
    ];
    expect([...places].sort(lockOrder)).toEqual([
      { slotId: 3, date: "2026-12-07" },
      { slotId: 3, date: "2026-12-21" },
      { slotId: 7, date: "2026-12-07" },
      { slotId: 7, date: "2026-12-14" },
    ]);
    expect(lockOrder({ slotId: 3, date: "2026-12-07" }, { slotId: 3, date: "2026-12-07" })).toBe(0);
  });
});
