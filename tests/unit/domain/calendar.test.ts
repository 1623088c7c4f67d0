import { describe, expect, it } from "vitest";
import { addDays, isCalendarDate } from "../../../src/domain/shared/calendar-date.js";
import { isoWeekdayOf, parseWeekday, WEEKDAYS } from "../../../src/domain/slot/weekday.js";

describe("weekdays", () => {
  it("lists monday to sunday in order", () => {
    expect(WEEKDAYS).toEqual(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]);
  });

  it("parses names case-insensitively and trimmed", () => {
    expect(parseWeekday("Monday")).toBe("monday");
    expect(parseWeekday("  SUNDAY ")).toBe("sunday");
    expect(parseWeekday("mon")).toBeNull();
    expect(parseWeekday("")).toBeNull();
  });

  it("gives the calendar weekday of a date whatever the process time zone", () => {
    expect(isoWeekdayOf("2026-01-01")).toBe("thursday");
    expect(isoWeekdayOf("2026-03-08")).toBe("sunday");
    expect(isoWeekdayOf("2026-12-07")).toBe("monday");
    expect(isoWeekdayOf("2024-02-29")).toBe("thursday");
    expect(isoWeekdayOf("1969-12-31")).toBe("wednesday");
  });

  it("refuses a malformed date rather than guessing", () => {
    expect(() => isoWeekdayOf("2026-02-30")).toThrow(RangeError);
    expect(() => isoWeekdayOf("2026-3-8")).toThrow(RangeError);
  });
});

describe("calendar dates", () => {
  it("accepts only real YYYY-MM-DD dates", () => {
    expect(isCalendarDate("2024-02-29")).toBe(true);
    expect(isCalendarDate("2026-02-29")).toBe(false);
    expect(isCalendarDate("2026-13-01")).toBe(false);
    expect(isCalendarDate("2026-12-07T00:00")).toBe(false);
    expect(isCalendarDate("")).toBe(false);
  });

  it("adds days across month, year and leap-day boundaries", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-03-07", 60)).toBe("2026-05-06");
  });
});
