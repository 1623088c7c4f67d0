import type { Result } from "../shared/result.js";
import { appError, err, ok } from "../shared/result.js";

export const ROLES = ["user", "doctor", "admin"] as const;

export type Role = (typeof ROLES)[number];

export const PASSWORD_LENGTH = { min: 8, max: 128 } as const;

/** Emails are compared and stored this way, so "Ann@X.com " and "ann@x.com" are one account. */
export const normalizeEmail = (s: string): string => s.trim().toLowerCase();

/** Whether a password is on a list of the passwords attackers try first (the list is kept outside the domain). */
export type IsCommonPassword = (password: string) => boolean;

/**
 * The rule for setting a password (signing in with an existing one checks nothing of this). Length is
 * counted in Unicode code points, as a person counts characters; the upper bound keeps the hashing cost
 * of a hostile request bounded. A password on the common-password list is refused whatever its case.
 */
export const checkPassword = (pw: string, isCommon: IsCommonPassword): Result<string> => {
  const length = [...pw].length;
  if (length < PASSWORD_LENGTH.min || length > PASSWORD_LENGTH.max) {
    return err(
      appError("validation", "invalid_password", "The password must be 8 to 128 characters long.", {
        errors: [{ path: "password", message: "must be 8 to 128 characters long" }],
      }),
    );
  }
  if (isCommon(pw)) {
    return err(
      appError(
        "validation",
        "common_password",
        "The password is too common; choose one that is harder to guess.",
        {
          errors: [{ path: "password", message: "is too common: it is on a list of often-used passwords" }],
        },
      ),
    );
  }
  return ok(pw);
};
