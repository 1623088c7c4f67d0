import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  isSessionActive,
  newSessionExpiry,
  type Session,
  slideExpiry,
} from "../../../src/domain/user/session.js";
import { checkPassword, normalizeEmail } from "../../../src/domain/user/user.js";

describe("normalizeEmail", () => {
  it("trims and lower-cases so one address is one account", () => {
    expect(normalizeEmail("  Ayesha.Khan@Example.COM \n")).toBe("ayesha.khan@example.com");
    expect(normalizeEmail("ayesha.khan@example.com")).toBe("ayesha.khan@example.com");
  });
});

const common = new Set(["12345678", "password1"]);
const isCommon = (pw: string) => common.has(pw.toLowerCase());
const check = (pw: string) => checkPassword(pw, isCommon);

describe("checkPassword", () => {
  it("accepts 8 to 128 characters", () => {
    expect(check("a".repeat(8))).toEqual({ ok: true, value: "a".repeat(8) });
    expect(check("a".repeat(128)).ok).toBe(true);
  });

  it("refuses 7 and 129 characters", () => {
    for (const pw of ["a".repeat(7), "a".repeat(129), ""]) {
      const result = check(pw);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ kind: "validation", errors: [{ path: "password" }] });
    }
  });

  it("counts characters, not UTF-16 units", () => {
    expect(check("🔒".repeat(8)).ok).toBe(true); // 16 UTF-16 units, 8 characters
    expect(check("🔒".repeat(7)).ok).toBe(false);
    expect(check("🔒".repeat(128)).ok).toBe(true);
  });

  it("refuses a password on the common list, whatever its case, saying it is too common", () => {
    for (const pw of ["12345678", "password1", "PassWord1"]) {
      expect(check(pw)).toMatchObject({
        ok: false,
        error: {
          kind: "validation",
          code: "common_password",
          errors: [{ path: "password", message: expect.stringContaining("too common") }],
        },
      });
    }
    expect(check("password1 but longer").ok).toBe(true);
  });
});

describe("session lifetime", () => {
  const signIn = new Date("2026-01-01T00:00:00Z");
  const lifetime = { idleMs: 30 * DAY_MS, maxMs: 90 * DAY_MS };
  const at = (days: number) => new Date(signIn.getTime() + days * DAY_MS);
  const opened = (): Session => ({ userId: 1, ...newSessionExpiry(signIn, lifetime), revokedAt: null });

  it("opens with the idle end, and the absolute end SESSION_MAX_DAYS away", () => {
    expect(newSessionExpiry(signIn, lifetime)).toEqual({ expiresAt: at(30), absoluteExpiresAt: at(90) });
    expect(newSessionExpiry(signIn, { idleMs: 30 * DAY_MS, maxMs: 7 * DAY_MS })).toEqual({
      expiresAt: at(7),
      absoluteExpiresAt: at(7),
    });
  });

  it("slides up to the absolute end and no further, taking the last short step to it", () => {
    const session = opened();
    expect(slideExpiry(session, at(20), lifetime.idleMs)).toEqual(at(50));
    expect(slideExpiry({ ...session, expiresAt: at(80) }, at(70), lifetime.idleMs)).toEqual(at(90));
    expect(slideExpiry({ ...session, expiresAt: at(89.9) }, at(89), lifetime.idleMs)).toEqual(at(90));
    expect(slideExpiry({ ...session, expiresAt: at(90) }, at(89), lifetime.idleMs)).toBeNull();
  });

  it("is over at the absolute end even if the sliding end were later", () => {
    const stale = { ...opened(), expiresAt: at(100) };
    expect(isSessionActive(stale, at(89.99))).toBe(true);
    expect(isSessionActive(stale, at(90))).toBe(false);
    expect(slideExpiry(stale, at(90), lifetime.idleMs)).toBeNull();
  });
});
