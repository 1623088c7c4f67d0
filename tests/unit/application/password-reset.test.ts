import { beforeEach, describe, expect, it } from "vitest";
import {
  ConfirmPasswordReset,
  RequestPasswordReset,
} from "../../../src/application/commands/accounts/password-reset.js";
import type { PasswordResetStore } from "../../../src/ports/mail.js";
import {
  FakeAttemptLimiter,
  FakeCommonPasswords,
  FakeHasher,
  FakeTokens,
  RecordingLogger,
} from "../../support/fakes/accounts.js";
import { FakeUnitOfWork, FixedClock } from "../../support/fakes/unit-of-work.js";

const NOW = new Date("2026-12-04T10:00:00Z");

describe("password reset", () => {
  let clock: FixedClock;
  let uow: FakeUnitOfWork;
  let requested: { email: string; requestedAt: Date; expiresAt: Date }[];
  let request: RequestPasswordReset;
  let confirm: ConfirmPasswordReset;
  const tokens = new FakeTokens();

  beforeEach(async () => {
    clock = new FixedClock(NOW);
    uow = new FakeUnitOfWork(clock);
    requested = [];
    const resets: PasswordResetStore = {
      request: async (email, requestedAt, expiresAt) =>
        void requested.push({ email, requestedAt, expiresAt }),
      purgeEnded: async () => 0,
    };
    request = new RequestPasswordReset({
      resets,
      perEmail: new FakeAttemptLimiter(clock, 2, 3_600),
      clock,
      logger: new RecordingLogger(),
    });
    confirm = new ConfirmPasswordReset({
      uow,
      hasher: new FakeHasher(),
      commonPasswords: new FakeCommonPasswords(),
      tokens,
      clock,
    });
    uow.state.users.push({
      id: 1,
      name: "Ann",
      email: "ann@example.com",
      role: "user",
      registeredAt: NOW,
      confirmed: false,
      passwordHash: "hashed:old password",
    });
    await uow.sessions.create({
      userId: 1,
      tokenDigest: "d1",
      expiresAt: new Date("2027-01-01T00:00:00Z"),
      absoluteExpiresAt: new Date("2027-02-01T00:00:00Z"),
    });
  });

  const resetFor = (token: string, expiresAt = new Date(NOW.getTime() + 30 * 60_000)) =>
    uow.state.passwordResets.push({ tokenDigest: tokens.digest(token), userId: 1, expiresAt, usedAt: null });

  it("records a reset of the normalised address, valid 30 minutes, and limits each address", async () => {
    expect((await request.execute({ email: "  Ann@Example.com " })).ok).toBe(true);
    expect(requested).toEqual([
      { email: "ann@example.com", requestedAt: NOW, expiresAt: new Date("2026-12-04T10:30:00Z") },
    ]);
    expect((await request.execute({ email: "ann@example.com" })).ok).toBe(true);
    const refused = await request.execute({ email: "ANN@example.com" });
    expect(refused).toMatchObject({ ok: false, error: { kind: "rate_limited" } });
    expect(requested).toHaveLength(2);
  });

  it("sets the password and revokes every session with a live token, once", async () => {
    resetFor("t1");
    expect((await confirm.execute({ token: "t1", newPassword: "a new passphrase" })).ok).toBe(true);
    expect(uow.state.users[0]?.passwordHash).toBe("hashed:a new passphrase");
    expect([...uow.sessions.rows.values()].every((s) => s.revokedAt !== null)).toBe(true);
    const again = await confirm.execute({ token: "t1", newPassword: "another passphrase" });
    expect(again).toMatchObject({ ok: false, error: { code: "invalid_reset_token" } });
    expect(uow.state.users[0]?.passwordHash).toBe("hashed:a new passphrase");
  });

  it("refuses an unknown or expired token and a common password, changing nothing", async () => {
    resetFor("late", new Date(NOW.getTime() - 1));
    resetFor("t2");
    for (const token of ["nope", "late"]) {
      expect(await confirm.execute({ token, newPassword: "a new passphrase" })).toMatchObject({
        ok: false,
        error: { code: "invalid_reset_token" },
      });
    }
    const common = await confirm.execute({ token: "t2", newPassword: "password1" });
    expect(common).toMatchObject({ ok: false, error: { errors: [{ path: "new_password" }] } });
    expect(uow.state.users[0]?.passwordHash).toBe("hashed:old password");
    expect([...uow.sessions.rows.values()].every((s) => s.revokedAt === null)).toBe(true);
  });
});
