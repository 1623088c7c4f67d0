import type { Result } from "../shared/result.js";
import { appError, err, ok } from "../shared/result.js";

export const ROLES = ["user", "doctor", "admin"] as const;

export type Role = (typeof ROLES)[number];

export const PASSWORD_LENGTH = { min: 8, max: 128 } as const;

/** Emails are compared and stored this way, so "Ann@X.com " and "ann@x.com" are one account. */
export const normalizeEmail = (s: string): string => s.trim().toLowerCase();

/**
 * Length is counted in Unicode code points, as a person counts characters. The upper bound keeps
 * the hashing cost of a hostile request bounded.
 */
export const checkPassword = (pw: string): Result<string> => {
  const length = [...pw].length;
  if (length < PASSWORD_LENGTH.min || length > PASSWORD_LENGTH.max) {
    return err(
      appError("validation", "invalid_password", "The password must be 8 to 128 characters long.", {
        errors: [{ path: "password", message: "must be 8 to 128 characters long" }],
      }),
    );
  }
  return ok(pw);
};
