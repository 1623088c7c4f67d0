import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import { newSessionExpiry, type SessionLifetime } from "../../../domain/user/session.js";
import { normalizeEmail, PASSWORD_LENGTH } from "../../../domain/user/user.js";
import type { Clock } from "../../../ports/clock.js";
import type { Logger } from "../../../ports/logger.js";
import type { PasswordHasher } from "../../../ports/password-hasher.js";
import type { AttemptLimiter } from "../../../ports/rate-limiter.js";
import type { SessionStore } from "../../../ports/session.store.js";
import type { SessionTokens } from "../../../ports/token.js";
import type { UserRepository } from "../../../ports/user.repository.js";

export interface SignInInput {
  readonly email: string;
  readonly password: string;
  /**
   * Who is asking, for the limits: the client's address (an IPv6 address stands for its /64), as the
   * HTTP adapter resolved it; "unknown" when it cannot tell.
   */
  readonly client: string;
}

export interface IssuedToken {
  readonly token: string;
  /** The sliding end, which is never after the session's absolute end. */
  readonly expiresAt: Date;
}

export interface SignInSettings {
  readonly sessionLifetime: SessionLifetime;
}

const invalidCredentials = () =>
  appError("unauthenticated", "invalid_credentials", "The email or password is wrong.");

export const tooManyAttempts = (retryAfter: number) =>
  appError("rate_limited", "too_many_attempts", "Too many failed sign-ins; try again later.", {
    retryAfter,
  });

/** The (client, email) pair whose consecutive failures are counted. */
export const pairKey = (client: string, email: string) => `${client}|${email}`;

/** The limiters of password checks: failures per (client, email) pair and per client a day. */
export interface PasswordCheckLimits {
  readonly pair: AttemptLimiter;
  readonly client: AttemptLimiter;
}

/**
 * Takes one attempt from the pair and from the client's day, before a password is checked; the refusal,
 * if either is used up. Sign-in and a password change (its current password) count alike.
 */
export async function reserveAttempt(
  limits: PasswordCheckLimits,
  pair: string,
  client: string,
): Promise<{ retryAfter: number } | null> {
  const byPair = await limits.pair.take(pair);
  if (!byPair.allowed) return byPair;
  const byClient = await limits.client.take(client);
  if (byClient.allowed) return null;
  // Refused for the day: this attempt is not a failure of the pair.
  await limits.pair.giveBack(pair);
  return byClient;
}

/** A correct password: the pair's failures are forgotten and the client's day gets its attempt back. */
export async function settleSuccess(limits: PasswordCheckLimits, pair: string, client: string) {
  await limits.pair.clear(pair);
  await limits.client.giveBack(client);
}

/**
 * POST /auth/get_token. A wrong email and a wrong password look the same from outside, in answer and in
 * time (an unknown email still pays for one hash verification), so accounts cannot be enumerated.
 *
 * Throttling (API.md "Trust and limits"): before the password is checked, one attempt is reserved for the
 * (client, email) pair and one for the client's day, atomically, so parallel guesses are all counted. A
 * failure keeps both; a success clears the pair and gives the day's attempt back. So an attacker's
 * failures from one client never refuse the owner signing in from another, and one client that guesses
 * across many emails is refused for every email once it has used up its day.
 */
export class SignIn {
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly deps: {
      users: UserRepository;
      hasher: PasswordHasher;
      sessions: SessionStore;
      tokens: SessionTokens;
      limits: PasswordCheckLimits;
      logger: Logger;
      clock: Clock;
      settings: SignInSettings;
    },
  ) {}

  async execute(input: SignInInput): Promise<Result<IssuedToken>> {
    const { sessions, tokens, limits, clock, settings, logger } = this.deps;
    const email = normalizeEmail(input.email);
    const pair = pairKey(input.client, email);

    const refused = await this.reserve(pair, input.client);
    if (refused) {
      logger.warn(
        { client: input.client, retryAfter: refused.retryAfter },
        "sign-in refused: too many failures",
      );
      return err(tooManyAttempts(refused.retryAfter));
    }

    const { account, userId } = await this.verifiedAccount(email, input.password);
    if (!account) {
      // The audit trail of guessing: who was tried (when the email is an account) and from where.
      logger.warn({ userId, client: input.client }, "sign-in failed");
      return err(invalidCredentials());
    }

    await settleSuccess(limits, pair, input.client);
    const token = tokens.issue();
    const ends = newSessionExpiry(clock.now(), settings.sessionLifetime);
    await sessions.create({ tokenDigest: tokens.digest(token), userId: account.id, ...ends });
    return ok({ token, expiresAt: ends.expiresAt });
  }

  private reserve(pair: string, client: string): Promise<{ retryAfter: number } | null> {
    return reserveAttempt(this.deps.limits, pair, client);
  }

  /** The account when the password is right; the id of the account tried (if any) either way. */
  private async verifiedAccount(
    email: string,
    password: string,
  ): Promise<{ account: { id: number } | null; userId: number | null }> {
    const { users, hasher } = this.deps;
    // Longer than any accepted password: cannot match, and must not buy a long hash computation.
    if ([...password].length > PASSWORD_LENGTH.max) return { account: null, userId: null };
    const account = await users.credentialsByEmail(email);
    if (!account) {
      await hasher.verify(await this.decoyHash(), password);
      return { account: null, userId: null };
    }
    const right = await hasher.verify(account.passwordHash, password);
    return { account: right ? account : null, userId: account.id };
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= this.deps.hasher.hash("decoy password that no account has");
    return this.decoy;
  }
}
