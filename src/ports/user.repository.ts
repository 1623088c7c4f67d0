import type { User } from "../domain/user/account.js";
import type { Role } from "../domain/user/user.js";

/** An account with its credential, for sign-in only; never serialised. */
export interface UserCredentials extends User {
  readonly passwordHash: string;
}

export interface NewUser {
  readonly name: string;
  /** Already normalised (trimmed, lower-cased). */
  readonly email: string;
  readonly role: Role;
  readonly passwordHash: string;
}

/** What an erased account is called where its past visits are still shown. */
export const ERASED_ACCOUNT_NAME = "Deleted account";

/**
 * Accounts. `add` fails with the `users_email_key` constraint when the email is taken (the unit of work
 * turns that into a 409), which settles a race between two registrations of one address.
 */
export interface UserRepository {
  add(user: NewUser): Promise<User>;
  byId(id: number): Promise<User | null>;
  credentialsByEmail(email: string): Promise<UserCredentials | null>;
  credentialsById(id: number): Promise<UserCredentials | null>;
  /** Replaces the account's password hash; false when there is no such account. */
  setPasswordHash(id: number, passwordHash: string): Promise<boolean>;
  /**
   * Uses up the password reset whose token has this digest, if it is unused and not expired at `now`,
   * and with it every other open reset of the account; returns the account's id, or null (unknown,
   * used or expired token, or an erased account).
   */
  consumePasswordReset(tokenDigest: string, now: Date): Promise<number | null>;
  /**
   * Erases the account: its name and email are replaced (the email is free again), its password can
   * never match, and its notifications, Idempotency-Keys, password resets and webhooks (with their deliveries) are deleted. The row stays, anonymised, for
   * the appointments and visits that reference it.
   */
  erase(id: number): Promise<void>;
}

/** The repository outside any transaction, for reads and sign-in. */
export const USER_REPOSITORY = Symbol.for("doctorly.UserRepository");
