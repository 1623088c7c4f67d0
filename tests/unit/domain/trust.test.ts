import { describe, expect, it } from "vitest";
import { changeVerification } from "../../../src/domain/doctor/verification.js";
import { DEFAULT_LIMITS, roomForOneMore, roomInSitting } from "../../../src/domain/user/limits.js";
import { notOwnSlot } from "../../../src/domain/user/ownership.js";

describe("caps", () => {
  it("leaves room while fewer than the limit are used, then refuses with limit_reached naming the limit", () => {
    expect(roomForOneMore(DEFAULT_LIMITS, "patientsPerAccount", 9).ok).toBe(true);
    expect(roomForOneMore(DEFAULT_LIMITS, "patientsPerAccount", 10)).toEqual({
      ok: false,
      error: {
        kind: "conflict",
        code: "limit_reached",
        detail: "Limit reached: at most 10 patients per account.",
      },
    });
    const slots = roomForOneMore({ ...DEFAULT_LIMITS, slotsPerDoctor: 2 }, "slotsPerDoctor", 2);
    expect(!slots.ok && slots.error.detail).toBe("Limit reached: at most 2 slots per doctor.");
  });

  it("counts an account's seats and waiting entries of one sitting together, each patient once", () => {
    const limits = { ...DEFAULT_LIMITS, seatsPerSittingPerAccount: 3 };
    const me = 1;
    const places = [
      { patientId: 10, ownerUserId: me },
      { patientId: 11, ownerUserId: me },
      // Another account's places never count against this one.
      { patientId: 20, ownerUserId: 2 },
      { patientId: 21, ownerUserId: 2 },
    ];
    expect(roomInSitting(limits, me, places, 12).ok).toBe(true);
    const waiting = [...places, { patientId: 12, ownerUserId: me }];
    const fourth = roomInSitting(limits, me, waiting, 13);
    expect(fourth).toMatchObject({ ok: false, error: { code: "limit_reached" } });
    expect(!fourth.ok && fourth.error.detail).toMatch(/at most 3 seats per account in one sitting/);
    // A patient waiting there already (12) may still take the seat: it is the same place.
    expect(roomInSitting(limits, me, waiting, 12).ok).toBe(true);
    expect(roomInSitting(limits, 2, waiting, 22).ok).toBe(true);
  });
});

describe("no self-dealing", () => {
  it("refuses the doctor of the slot with 403 own_slot, and anyone else never", () => {
    expect(notOwnSlot({ userId: 5, role: "doctor" }, 5)).toMatchObject({
      ok: false,
      error: { kind: "forbidden", code: "own_slot" },
    });
    expect(notOwnSlot({ userId: 6, role: "doctor" }, 5).ok).toBe(true);
    expect(notOwnSlot({ userId: 7, role: "user" }, 5).ok).toBe(true);
  });
});

describe("doctor verification", () => {
  it("verifies and suspends with one event each; repeating a change changes nothing", () => {
    expect(changeVerification(3, false, "verify")).toEqual({
      verified: true,
      events: [{ type: "DoctorVerified", doctorId: 3 }],
    });
    expect(changeVerification(3, true, "suspend")).toEqual({
      verified: false,
      events: [{ type: "DoctorSuspended", doctorId: 3 }],
    });
    expect(changeVerification(3, true, "verify")).toEqual({ verified: true, events: [] });
    expect(changeVerification(3, false, "suspend")).toEqual({ verified: false, events: [] });
  });
});
