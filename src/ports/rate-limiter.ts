/** The answer of a limiter: go on, or come back in `retryAfter` seconds. */
export type LimitDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfter: number };

/**
 * Counts attempts per key in a fixed window shared by every API process. `take` reserves one attempt
 * atomically *before* the work it guards, so parallel attempts are all counted; it is refused once the
 * key has used up its attempts in the current window, until that window ends.
 * Implementations never fail open: when their shared store does not answer in time, each process
 * counts in its own memory instead.
 */
export interface AttemptLimiter {
  take(key: string): Promise<LimitDecision>;
  /** Gives back one reserved attempt (the attempt turned out not to count, e.g. a correct password). */
  giveBack(key: string): Promise<void>;
  /** Forgets every attempt of the key. */
  clear(key: string): Promise<void>;
}

/** (email, client) pairs: consecutive failed sign-ins; a success clears the pair. */
export const SIGN_IN_PAIR_LIMITER = Symbol.for("doctorly.SignInPairLimiter");
/** Clients: failed sign-ins a day, for every email. */
export const SIGN_IN_CLIENT_LIMITER = Symbol.for("doctorly.SignInClientLimiter");
/** Clients: registrations (user or doctor accounts) an hour. */
export const REGISTRATION_LIMITER = Symbol.for("doctorly.RegistrationLimiter");
/** Clients: searches a minute (per process). */
export const SEARCH_LIMITER = Symbol.for("doctorly.SearchLimiter");
/** Accounts: picture uploads an hour. */
export const UPLOAD_LIMITER = Symbol.for("doctorly.UploadLimiter");
/** Clients: password reset requests and confirmations an hour. */
export const PASSWORD_RESET_CLIENT_LIMITER = Symbol.for("doctorly.PasswordResetClientLimiter");
/** Email addresses: password reset requests an hour (known and unknown addresses alike). */
export const PASSWORD_RESET_EMAIL_LIMITER = Symbol.for("doctorly.PasswordResetEmailLimiter");
