import { describe, expect, it } from "vitest";
import { ZxcvbnCommonPasswords } from "../../../src/adapters/auth/common-passwords.zxcvbn.js";

describe("the common-password list (@zxcvbn-ts/language-common)", () => {
  const list = new ZxcvbnCommonPasswords();

  it("holds the passwords attackers try first, whatever their case", () => {
    for (const pw of [
      "12345678",
      "password1",
      "Password1",
      "PASSWORD1",
      "qwertyuiop",
      "iloveyou",
      "trustno1",
    ]) {
      expect(list.includes(pw), pw).toBe(true);
    }
  });

  it("lets a password of one's own through, including those the tests and examples use", () => {
    for (const pw of [
      "correct horse battery staple",
      "a long passphrase",
      "a long enough password",
      "long enough pw",
      "bench-password-1",
      "password-123",
      "s3cret-passw0rd",
      "aaaaaaaa",
    ]) {
      expect(list.includes(pw), pw).toBe(false);
    }
  });

  it("is loaded once per process, however many use it", () => {
    const started = performance.now();
    for (let i = 0; i < 100; i++) new ZxcvbnCommonPasswords();
    expect(performance.now() - started).toBeLessThan(50);
  });
});
