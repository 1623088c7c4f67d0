import { describe, expect, it } from "vitest";
import type { AppointmentStatus, VisitStatus } from "../../../src/domain/appointment/appointment.js";
import {
  APPOINTMENT_STATUSES,
  cancelAppointment,
  changeVisitStatus,
  lowestFreeSeat,
} from "../../../src/domain/appointment/appointment.js";
import type { Sitting } from "../../../src/domain/sitting/sitting.js";

const sitting: Sitting = {
  slotId: 3,
  date: "2026-12-07",
  startsAt: new Date("2026-12-07T05:30:00Z"),
  endsAt: new Date("2026-12-07T07:30:00Z"),
  capacity: 6,
};
const before = new Date("2026-12-07T05:29:59Z");
const atStart = new Date("2026-12-07T05:30:00Z");
const afterEnd = new Date("2026-12-08T00:00:00Z");

describe("lowestFreeSeat", () => {
  it("gives seat 1 to the first booking", () => {
    expect(lowestFreeSeat([], 3)).toBe(1);
  });

  it("fills a gap left by a cancellation before appending", () => {
    expect(lowestFreeSeat([1, 3, 4], 5)).toBe(2);
    expect(lowestFreeSeat([4, 2, 1], 5)).toBe(3);
  });

  it("takes the next seat when there is no gap", () => {
    expect(lowestFreeSeat([1, 2, 3], 5)).toBe(4);
  });

  it("answers null when the sitting is full", () => {
    expect(lowestFreeSeat([1, 2, 3], 3)).toBeNull();
    expect(lowestFreeSeat([], 0)).toBeNull();
  });
});

describe("cancelAppointment", () => {
  it("cancels a booked appointment before the sitting starts", () => {
    expect(cancelAppointment("booked", sitting, before)).toEqual({ ok: true, value: "cancelled" });
  });

  it("refuses once the sitting has started", () => {
    for (const now of [atStart, afterEnd]) {
      const result = cancelAppointment("booked", sitting, now);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ kind: "conflict", code: "sitting_started" });
    }
  });

  it.each(["cancelled", "arrived", "fulfilled", "noshow"] as const)("refuses from %s", (status) => {
    const result = cancelAppointment(status, sitting, before);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ kind: "conflict", code: "illegal_transition" });
  });
});

describe("changeVisitStatus", () => {
  const allowed: readonly [AppointmentStatus, VisitStatus][] = [
    ["booked", "arrived"],
    ["arrived", "fulfilled"],
    ["booked", "noshow"],
    ["arrived", "noshow"],
  ];
  const targets: readonly VisitStatus[] = ["arrived", "fulfilled", "noshow"];
  const forbidden = APPOINTMENT_STATUSES.flatMap((from) =>
    targets
      .filter((to) => !allowed.some(([f, t]) => f === from && t === to))
      .map((to) => [from, to] as const),
  );

  it.each(allowed)("allows %s → %s once the sitting has started", (from, to) => {
    expect(changeVisitStatus(from, to, sitting, atStart)).toEqual({ ok: true, value: to });
    expect(changeVisitStatus(from, to, sitting, afterEnd)).toEqual({ ok: true, value: to });
  });

  it.each(allowed)("refuses %s → %s before the sitting starts", (from, to) => {
    const result = changeVisitStatus(from, to, sitting, before);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ kind: "conflict", code: "sitting_not_started" });
  });

  it("forbids every other transition", () => {
    expect(forbidden).toHaveLength(5 * 3 - allowed.length);
    for (const [from, to] of forbidden) {
      const result = changeVisitStatus(from, to, sitting, atStart);
      expect(result.ok, `${from} → ${to}`).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ kind: "conflict", code: "illegal_transition" });
    }
  });
});
