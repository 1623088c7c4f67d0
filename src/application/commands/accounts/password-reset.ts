import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import { checkPassword, normalizeEmail } from "../../../domain/user/user.js";
import type { Clock } from "../../../ports/clock.js";
import type { CommonPasswords } from "../../../ports/common-passwords.js";
import type { Logger } from "../../../ports/logger.js";
import type { PasswordResetStore } from "../../../ports/mail.js";
import type { PasswordHasher } from "../../../ports/password-hasher.js";
import type { AttemptLimiter } from "../../../ports/rate-limiter.js";
import type { SessionTokens } from "../../../ports/token.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";

/** How long a reset link works (API.md: 30 minutes). */
export const PASSWORD_RESET_MINUTES = 30;

const invalidResetToken = () =>
  appError(
    "validation",
    "invalid_reset_token",
    "The reset link is unknown, already used or expired; ask for a new one.",
    { errors: [{ path: "token", message: "unknown, used or expired" }] },
  );

const tooManyResets = (retryAfter: number) =>
  appError(
    "rate_limited",
    "too_many_requests",
    "Too many password resets asked for this address; try later.",
    {
      retryAfter,
    },
  );

/**
 * POST /auth/password_reset. The answer is the same whether or not the address has an account, and so
 * is the work: one limiter step for the address, then one statement that records a reset (and its outbox
 * event, which the mail worker turns into the mail with the link) only when the account exists. Nothing
 * is mailed from the request.
 */
export class RequestPasswordReset {
  constructor(
    private readonly deps: {
      resets: PasswordResetStore;
      perEmail: AttemptLimiter;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  async execute(input: { readonly email: string }): Promise<Result<void>> {
    const { resets, perEmail, clock, logger } = this.deps;
    const email = normalizeEmail(input.email);
    const decision = await perEmail.take(email);
    if (!decision.allowed) {
      logger.warn({ retryAfter: decision.retryAfter }, "password reset refused: too many for one address");
      return err(tooManyResets(decision.retryAfter));
    }
    const now = clock.now();
    await resets.request(email, now, new Date(now.getTime() + PASSWORD_RESET_MINUTES * 60_000));
    return ok(undefined);
  }
}

/**
 * POST /auth/password_reset/confirm. The new password obeys the registration rule (400 naming
 * `new_password`); in one transaction the token (kept only as its digest) is used up with every other
 * open reset of the account, the password replaced and every session of the account revoked. An
 * unknown, used or expired token is 400 `invalid_reset_token`, and nothing changes.
 */
export class ConfirmPasswordReset {
  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      hasher: PasswordHasher;
      commonPasswords: CommonPasswords;
      tokens: SessionTokens;
      clock: Clock;
    },
  ) {}

  async execute(input: { readonly token: string; readonly newPassword: string }): Promise<Result<void>> {
    const { uow, hasher, commonPasswords, tokens, clock } = this.deps;
    const checked = checkPassword(input.newPassword, (pw) => commonPasswords.includes(pw));
    if (!checked.ok) {
      const errors = (checked.error.errors ?? []).map((e) => ({ ...e, path: "new_password" }));
      return err({ ...checked.error, errors });
    }
    // Hashed before the transaction opens: it is slow CPU work that must not hold a connection.
    const passwordHash = await hasher.hash(checked.value);
    const digest = tokens.digest(input.token);
    const now = clock.now();
    return uow.run(async ({ users, sessions }) => {
      const userId = await users.consumePasswordReset(digest, now);
      if (userId === null || !(await users.setPasswordHash(userId, passwordHash))) {
        return err(invalidResetToken());
      }
      await sessions.revokeAll(userId, now);
      return ok(undefined);
    });
  }
}
