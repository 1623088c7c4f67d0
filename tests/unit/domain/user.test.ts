import { describe, expect, it } from "vitest";
import { checkPassword, normalizeEmail } from "../../../src/domain/user/user.js";

describe("normalizeEmail", () => {
  it("trims and lower-cases so one address is one account", () => {
    expect(normalizeEmail("  Ayesha.Khan@Example.COM \n")).toBe("ayesha.khan@example.com");
    expect(normalizeEmail("ayesha.khan@example.com")).toBe("ayesha.khan@example.com");
  });
});

describe("checkPassword", () => {
  it("accepts 8 to 128 characters", () => {
    expect(checkPassword("a".repeat(8))).toEqual({ ok: true, value: "a".repeat(8) });
    expect(checkPassword("a".repeat(128)).ok).toBe(true);
  });

  it("refuses 7 and 129 characters", () => {
    for (const pw of ["a".repeat(7), "a".repeat(129), ""]) {
      const result = checkPassword(pw);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ kind: "validation", errors: [{ path: "password" }] });
    }
  });

  it("counts characters, not UTF-16 units", () => {
    expect(checkPassword("🔒".repeat(8)).ok).toBe(true); // 16 UTF-16 units, 8 characters
    expect(checkPassword("🔒".repeat(7)).ok).toBe(false);
    expect(checkPassword("🔒".repeat(128)).ok).toBe(true);
  });
});
