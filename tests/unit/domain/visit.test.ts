import { describe, expect, it } from "vitest";
import { checkRating, nextInLine, reminderTimes } from "../../../src/domain/appointment/visit.js";

describe("visits", () => {
  it("rates only a fulfilled visit, and only once", () => {
    expect(checkRating("fulfilled", false).ok).toBe(true);
    for (const status of ["booked", "arrived", "noshow", "cancelled"] as const) {
      expect(checkRating(status, false)).toMatchObject({
        ok: false,
        error: { kind: "conflict", code: "not_fulfilled" },
      });
    }
    expect(checkRating("fulfilled", true)).toMatchObject({ ok: false, error: { code: "already_rated" } });
  });

  it("reminds 24 h and 2 h before the expected time, never in the past", () => {
    const expected = new Date("2026-12-07T09:00:00Z");
    expect(reminderTimes(expected, new Date("2026-12-01T00:00:00Z"))).toEqual([
      { kind: "reminder_24h", at: new Date("2026-12-06T09:00:00Z") },
      { kind: "reminder_2h", at: new Date("2026-12-07T07:00:00Z") },
    ]);
    expect(reminderTimes(expected, new Date("2026-12-06T12:00:00Z")).map((r) => r.kind)).toEqual([
      "reminder_2h",
    ]);
    expect(reminderTimes(expected, new Date("2026-12-07T08:00:00Z"))).toEqual([]);
  });

  it("hands a freed seat to the first waiting patient who holds no seat yet", () => {
    const waiting = [
      { id: 1, patientId: 10 },
      { id: 2, patientId: 20 },
      { id: 3, patientId: 30 },
    ];
    expect(nextInLine(waiting, new Set())).toEqual({ id: 1, patientId: 10 });
    expect(nextInLine(waiting, new Set([10]))).toEqual({ id: 2, patientId: 20 });
    expect(nextInLine(waiting, new Set([10, 20, 30]))).toBeNull();
    expect(nextInLine([], new Set())).toBeNull();
  });
});
