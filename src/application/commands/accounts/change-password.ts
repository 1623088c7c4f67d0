import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import type { Principal } from "../../../domain/user/principal.js";
import { checkPassword, PASSWORD_LENGTH } from "../../../domain/user/user.js";
import type { Clock } from "../../../ports/clock.js";
import type { CommonPasswords } from "../../../ports/common-passwords.js";
import type { Logger } from "../../../ports/logger.js";
import type { PasswordHasher } from "../../../ports/password-hasher.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import type { UserRepository } from "../../../ports/user.repository.js";
import { accountGone } from "../../not-found.js";
import {
  type PasswordCheckLimits,
  pairKey,
  reserveAttempt,
  settleSuccess,
  tooManyAttempts,
} from "./sign-in.js";

export interface PasswordChange {
  readonly currentPassword: string;
  readonly newPassword: string;
  /** Who is asking, for the sign-in limits (as in SignInInput). */
  readonly client: string;
}

export const wrongPassword = () =>
  appError("unauthenticated", "wrong_password", "The current password is wrong.");

/**
 * The account's current password, checked as a sign-in checks it, with the same limits and keys: a wrong
 * one is a failed sign-in of the (client, email) pair (401 `wrong_password`; ten of them refuse the pair
 * with 429, as ten failed sign-ins do); a right one clears the pair's count.
 */
export async function confirmPassword(
  deps: { limits: PasswordCheckLimits; logger: Logger; hasher: PasswordHasher },
  account: { readonly id: number; readonly email: string; readonly passwordHash: string },
  password: string,
  client: string,
): Promise<Result<void>> {
  const { limits, logger, hasher } = deps;
  const pair = pairKey(client, account.email);
  const refused = await reserveAttempt(limits, pair, client);
  if (refused) {
    logger.warn(
      { userId: account.id, client, retryAfter: refused.retryAfter },
      "password check refused: too many failures",
    );
    return err(tooManyAttempts(refused.retryAfter));
  }
  // Longer than any accepted password: cannot match, and must not buy a long hash computation.
  const right =
    [...password].length <= PASSWORD_LENGTH.max && (await hasher.verify(account.passwordHash, password));
  if (!right) {
    logger.warn({ userId: account.id, client }, "password check: wrong password");
    return err(wrongPassword());
  }
  await settleSuccess(limits, pair, client);
  return ok(undefined);
}

/**
 * PUT /users/password. The new password obeys the registration rule (400 naming `new_password`, checked
 * first: a refused new password costs no attempt and no hash). The current one is checked as a sign-in
 * is, with the same limits and keys: a wrong one is a failed sign-in of the (client, email) pair, so ten
 * of them refuse the pair (429) exactly as ten failed sign-ins do. On success the hash is replaced and
 * every other session of the account is revoked in one transaction; the caller's session stays.
 */
export class ChangePassword {
  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      users: UserRepository;
      hasher: PasswordHasher;
      commonPasswords: CommonPasswords;
      limits: PasswordCheckLimits;
      logger: Logger;
      clock: Clock;
    },
  ) {}

  async execute(principal: Principal, change: PasswordChange): Promise<Result<void>> {
    const { uow, users, hasher, commonPasswords, limits, logger, clock } = this.deps;
    const checked = checkPassword(change.newPassword, (pw) => commonPasswords.includes(pw));
    if (!checked.ok) {
      const errors = (checked.error.errors ?? []).map((e) => ({ ...e, path: "new_password" }));
      return err({ ...checked.error, errors });
    }
    const account = await users.credentialsById(principal.userId);
    if (!account) return err(accountGone);

    const confirmed = await confirmPassword(
      { limits, logger, hasher },
      account,
      change.currentPassword,
      change.client,
    );
    if (!confirmed.ok) return confirmed;

    // Hashed before the transaction opens: it is slow CPU work that must not hold a connection.
    const passwordHash = await hasher.hash(checked.value);
    const now = clock.now();
    return uow.run(async ({ users: inTx, sessions }) => {
      if (!(await inTx.setPasswordHash(account.id, passwordHash))) return err(accountGone);
      await sessions.revokeAll(account.id, now, principal.sessionId);
      return ok(undefined);
    });
  }
}
