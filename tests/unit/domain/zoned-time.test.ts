import { describe, expect, it } from "vitest";
import {
  canonicalTimeZone,
  localClockOf,
  localDateOf,
  zonedInstant,
} from "../../../src/domain/sitting/zoned-time.js";

const utc = (date: string, clock: string, timeZone: string) => {
  const [h, m] = clock.split(":").map(Number);
  return zonedInstant(date, (h ?? 0) * 60 + (m ?? 0), timeZone).toISOString();
};

describe("zonedInstant", () => {
  it("reads a wall time in a zone without DST (Asia/Karachi, +05:00)", () => {
    expect(utc("2026-12-07", "10:30", "Asia/Karachi")).toBe("2026-12-07T05:30:00.000Z");
    expect(utc("2026-12-07", "03:00", "Asia/Karachi")).toBe("2026-12-06T22:00:00.000Z");
    expect(utc("2026-07-01", "10:30", "Asia/Karachi")).toBe("2026-07-01T05:30:00.000Z");
  });

  it("treats minute 1440 as the midnight that ends the day", () => {
    expect(utc("2026-12-07", "24:00", "Asia/Karachi")).toBe("2026-12-07T19:00:00.000Z");
    expect(utc("2026-12-07", "24:00", "UTC")).toBe("2026-12-08T00:00:00.000Z");
  });

  describe("America/New_York", () => {
    it("uses EST before and EDT after the 2026-03-08 spring-forward", () => {
      expect(utc("2026-03-08", "01:59", "America/New_York")).toBe("2026-03-08T06:59:00.000Z");
      expect(utc("2026-03-08", "03:00", "America/New_York")).toBe("2026-03-08T07:00:00.000Z");
      expect(utc("2026-03-08", "09:00", "America/New_York")).toBe("2026-03-08T13:00:00.000Z");
    });

    it("moves a wall time inside the gap forward by the gap (02:30 → 03:30 EDT)", () => {
      expect(utc("2026-03-08", "02:00", "America/New_York")).toBe("2026-03-08T07:00:00.000Z");
      expect(utc("2026-03-08", "02:30", "America/New_York")).toBe("2026-03-08T07:30:00.000Z");
    });

    it("picks the earlier instant for a time repeated by the 2026-11-01 fall-back", () => {
      expect(utc("2026-11-01", "01:30", "America/New_York")).toBe("2026-11-01T05:30:00.000Z");
      expect(utc("2026-11-01", "00:59", "America/New_York")).toBe("2026-11-01T04:59:00.000Z");
      expect(utc("2026-11-01", "02:00", "America/New_York")).toBe("2026-11-01T07:00:00.000Z");
      expect(utc("2026-11-01", "09:00", "America/New_York")).toBe("2026-11-01T14:00:00.000Z");
    });
  });

  describe("Europe/London", () => {
    it("skips 01:00–02:00 on 2026-03-29", () => {
      expect(utc("2026-03-29", "00:30", "Europe/London")).toBe("2026-03-29T00:30:00.000Z");
      expect(utc("2026-03-29", "01:30", "Europe/London")).toBe("2026-03-29T01:30:00.000Z");
      expect(utc("2026-03-29", "02:00", "Europe/London")).toBe("2026-03-29T01:00:00.000Z");
      expect(utc("2026-03-29", "09:00", "Europe/London")).toBe("2026-03-29T08:00:00.000Z");
    });

    it("repeats 01:00–02:00 on 2026-10-25 and picks the BST reading", () => {
      expect(utc("2026-10-25", "00:00", "Europe/London")).toBe("2026-10-24T23:00:00.000Z");
      expect(utc("2026-10-25", "01:30", "Europe/London")).toBe("2026-10-25T00:30:00.000Z");
      expect(utc("2026-10-25", "02:00", "Europe/London")).toBe("2026-10-25T02:00:00.000Z");
    });
  });

  it("round-trips through localDateOf and localClockOf on ordinary days", () => {
    for (const timeZone of ["UTC", "Asia/Karachi", "America/New_York", "Europe/London", "Asia/Kathmandu"]) {
      const instant = zonedInstant("2026-06-15", 23 * 60 + 45, timeZone);
      expect(localDateOf(instant, timeZone), timeZone).toBe("2026-06-15");
      expect(localClockOf(instant, timeZone), timeZone).toBe("23:45");
    }
  });

  it("refuses a malformed date", () => {
    expect(() => zonedInstant("2026-02-30", 0, "UTC")).toThrow(RangeError);
  });
});

describe("local date and clock of an instant", () => {
  it("shows the doctor's calendar date, which may differ from the UTC date", () => {
    const instant = new Date("2026-12-06T19:30:00.000Z");
    expect(localDateOf(instant, "Asia/Karachi")).toBe("2026-12-07");
    expect(localClockOf(instant, "Asia/Karachi")).toBe("00:30");
    expect(localDateOf(instant, "America/New_York")).toBe("2026-12-06");
    expect(localClockOf(instant, "America/New_York")).toBe("14:30");
  });

  it("writes midnight as 00:00, never 24:00", () => {
    expect(localClockOf(new Date("2026-12-07T00:00:00.000Z"), "UTC")).toBe("00:00");
  });
});

describe("time zone names", () => {
  it("accepts IANA names and refuses unknown names and bare offsets", () => {
    expect(canonicalTimeZone("UTC")).toBe("UTC");
    expect(canonicalTimeZone("Asia/Karachi")).toBe("Asia/Karachi");
    expect(canonicalTimeZone("Mars/Olympus")).toBeNull();
    expect(canonicalTimeZone("+05:00")).toBeNull();
    expect(canonicalTimeZone("")).toBeNull();
  });

  it("gives the canonical spelling", () => {
    expect(canonicalTimeZone("asia/karachi")).toBe("Asia/Karachi");
    expect(canonicalTimeZone("Nowhere/Land")).toBeNull();
  });
});
