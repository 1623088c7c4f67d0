import { describe, expect, it } from "vitest";
import type { Slot, SlotInput } from "../../../src/domain/slot/slot.js";
import { formatClock, parseClock, planSlot, slotEndMinute } from "../../../src/domain/slot/slot.js";

const input = (overrides: Partial<SlotInput> = {}): SlotInput => ({
  day: "monday",
  start: "09:00",
  appointmentDuration: 15,
  numSlots: 4,
  consultationFee: 50_000,
  ...overrides,
});

const existingSlot = (
  day: Slot["day"],
  start: string,
  appointmentDuration: number,
  numSlots: number,
): Slot => ({
  id: 7,
  doctorId: 1,
  day,
  startMinute: parseClock(start) ?? Number.NaN,
  appointmentDuration,
  numSlots,
  consultationFee: 0,
});

describe("clock times", () => {
  it("parses HH:MM and H:MM from 00:00 to 23:59", () => {
    expect(parseClock("00:00")).toBe(0);
    expect(parseClock("8:40")).toBe(520);
    expect(parseClock("08:40")).toBe(520);
    expect(parseClock("23:59")).toBe(1439);
  });

  it("rejects out-of-range and malformed times, including 24:00 as a start", () => {
    for (const bad of ["24:00", "12:60", "7", "07:5", "-1:00", "ab:cd", "", "123:00"]) {
      expect(parseClock(bad), bad).toBeNull();
    }
  });

  it("formats minutes, with 24:00 for an end exactly at midnight", () => {
    expect(formatClock(0)).toBe("00:00");
    expect(formatClock(520)).toBe("08:40");
    expect(formatClock(1440)).toBe("24:00");
    expect(() => formatClock(1441)).toThrow(RangeError);
    expect(() => formatClock(-1)).toThrow(RangeError);
  });
});

describe("slot end", () => {
  it("is start + duration × number of appointments, with no buffer", () => {
    expect(slotEndMinute({ startMinute: 540, appointmentDuration: 15, numSlots: 4 })).toBe(600);
  });
});

describe("planSlot", () => {
  it("accepts a valid slot and normalises day and start", () => {
    const result = planSlot([], input({ day: " Monday ", start: "9:00" }));
    expect(result).toEqual({
      ok: true,
      value: {
        day: "monday",
        startMinute: 540,
        appointmentDuration: 15,
        numSlots: 4,
        consultationFee: 50_000,
      },
    });
  });

  it("lists every invalid field with its API name", () => {
    const result = planSlot(
      [],
      input({ day: "funday", start: "25:00", appointmentDuration: 4, numSlots: 0, consultationFee: -1 }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe("validation");
    expect(result.error.errors?.map((e) => e.path)).toEqual([
      "day",
      "start",
      "appointment_duration",
      "num_slots",
      "consultation_fee",
    ]);
  });

  it.each([
    ["appointmentDuration", 5, true],
    ["appointmentDuration", 240, true],
    ["appointmentDuration", 241, false],
    ["appointmentDuration", 7.5, false],
    ["numSlots", 1, true],
    ["numSlots", 200, true],
    ["numSlots", 201, false],
    ["consultationFee", 0, true],
    ["consultationFee", 10.5, false],
    ["consultationFee", 2_147_483_648, false],
  ] as const)("%s = %d is accepted: %s", (field, value, accepted) => {
    // Short appointments from 00:00, so only the range can make the slot invalid, not the midnight rule.
    const base = { start: "00:00", appointmentDuration: 5, numSlots: 1 };
    expect(planSlot([], input({ ...base, [field]: value })).ok).toBe(accepted);
  });

  it("allows a slot to end exactly at midnight but not a minute later", () => {
    expect(planSlot([], input({ start: "23:00", appointmentDuration: 15, numSlots: 4 })).ok).toBe(true);
    const late = planSlot([], input({ start: "23:01", appointmentDuration: 15, numSlots: 4 }));
    expect(late.ok).toBe(false);
    if (late.ok) return;
    expect(late.error).toMatchObject({ kind: "validation", code: "slot_past_midnight" });
  });

  describe("overlap with the doctor's other slots", () => {
    const morning = existingSlot("monday", "09:00", 15, 4); // 09:00–10:00

    it("refuses an overlap on the same weekday as a conflict", () => {
      for (const start of ["09:00", "09:59", "08:46"]) {
        const result = planSlot([morning], input({ start }));
        expect(result.ok, start).toBe(false);
        if (result.ok) return;
        expect(result.error).toMatchObject({ kind: "conflict", code: "slot_overlap" });
      }
    });

    it("refuses a slot that encloses an existing one", () => {
      expect(planSlot([morning], input({ start: "08:00", appointmentDuration: 30, numSlots: 6 })).ok).toBe(
        false,
      );
    });

    it("allows adjacent slots: intervals are half-open", () => {
      expect(planSlot([morning], input({ start: "10:00" })).ok).toBe(true);
      expect(planSlot([morning], input({ start: "08:00" })).ok).toBe(true); // 08:00–09:00
    });

    it("ignores slots on other weekdays", () => {
      expect(planSlot([morning], input({ day: "tuesday", start: "09:00" })).ok).toBe(true);
    });

    it("reports a field error before an overlap", () => {
      const result = planSlot([morning], input({ start: "09:00", consultationFee: -5 }));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.kind).toBe("validation");
    });
  });
});
