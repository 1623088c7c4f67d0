/** Expected failures are values: a handler returns Result<T> and never throws for a client's mistake. */
export type Result<T, E = AppError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/**
 * The kinds of expected failure; the HTTP adapter maps each kind to one status code.
 * validation → 400, unauthenticated → 401, forbidden → 403, not_found → 404, conflict → 409,
 * too_large → 413, unsupported_media → 415, rate_limited → 429, unavailable → 503.
 */
export type AppErrorKind =
  | "validation"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "too_large"
  | "unsupported_media"
  | "rate_limited"
  | "unavailable";

export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export interface AppError {
  readonly kind: AppErrorKind;
  /** A stable machine-readable code, e.g. "slot_overlap", "sitting_full". */
  readonly code: string;
  /** A human-readable explanation that is safe to show to the client. */
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  /** Seconds, for rate_limited. */
  readonly retryAfter?: number;
}

export const appError = (
  kind: AppErrorKind,
  code: string,
  detail: string,
  extra: Pick<AppError, "errors" | "retryAfter"> = {},
): AppError => ({ kind, code, detail, ...extra });
