import { appError, err, ok, type Result } from "../../domain/shared/result.js";
import { newSessionExpiry, type SessionLifetime } from "../../domain/user/session.js";
import { normalizeEmail, PASSWORD_LENGTH } from "../../domain/user/user.js";
import type { Clock } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type { PasswordHasher } from "../../ports/password-hasher.js";
import type { FailureLimiter } from "../../ports/rate-limiter.js";
import type { SessionStore } from "../../ports/session.store.js";
import type { SessionTokens } from "../../ports/token.js";
import type { UserRepository } from "../../ports/user.repository.js";

export interface SignInInput {
  readonly email: string;
  readonly password: string;
  /** The client's network address, for the per-address failure limit; null when unknown. */
  readonly clientAddress: string | null;
}

export interface IssuedToken {
  readonly token: string;
  /** The sliding end, which is never after the session's absolute end. */
  readonly expiresAt: Date;
}

export interface SignInSettings {
  readonly sessionLifetime: SessionLifetime;
}

export const invalidCredentials = () =>
  appError("unauthenticated", "invalid_credentials", "The email or password is wrong.");

export const limiterKeys = (email: string, clientAddress: string | null): string[] => [
  `email:${email}`,
  ...(clientAddress ? [`address:${clientAddress}`] : []),
];

/**
 * POST /auth/get_token. A wrong email and a wrong password look the same from outside, in answer and in
 * time (an unknown email still pays for one hash verification), so accounts cannot be enumerated.
 */
export class SignIn {
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly deps: {
      users: UserRepository;
      hasher: PasswordHasher;
      sessions: SessionStore;
      tokens: SessionTokens;
      limiter: FailureLimiter;
      logger: Logger;
      clock: Clock;
      settings: SignInSettings;
    },
  ) {}

  async execute(input: SignInInput): Promise<Result<IssuedToken>> {
    const { sessions, tokens, limiter, clock, settings } = this.deps;
    const email = normalizeEmail(input.email);
    const keys = limiterKeys(email, input.clientAddress);

    const retryAfter = await limiter.blockedFor(keys);
    if (retryAfter > 0) {
      this.deps.logger.warn(
        { clientAddress: input.clientAddress, retryAfter },
        "sign-in refused: too many failures",
      );
      return err(
        appError("rate_limited", "too_many_attempts", "Too many failed sign-ins; try again later.", {
          retryAfter,
        }),
      );
    }

    const account = await this.verifiedAccount(email, input.password);
    if (!account) {
      await limiter.recordFailure(keys);
      return err(invalidCredentials());
    }

    await limiter.reset(`email:${email}`);
    const token = tokens.issue();
    const ends = newSessionExpiry(clock.now(), settings.sessionLifetime);
    await sessions.create({ tokenDigest: tokens.digest(token), userId: account.id, ...ends });
    return ok({ token, expiresAt: ends.expiresAt });
  }

  private async verifiedAccount(email: string, password: string): Promise<{ id: number } | null> {
    const { users, hasher } = this.deps;
    // Longer than any accepted password: cannot match, and must not buy a long hash computation.
    if ([...password].length > PASSWORD_LENGTH.max) return null;
    const account = await users.credentialsByEmail(email);
    if (!account) {
      await hasher.verify(await this.decoyHash(), password);
      return null;
    }
    return (await hasher.verify(account.passwordHash, password)) ? account : null;
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= this.deps.hasher.hash("decoy password that no account has");
    return this.decoy;
  }
}

export const SIGN_IN = Symbol.for("doctorly.SignIn");
