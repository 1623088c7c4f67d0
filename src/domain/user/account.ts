import type { FieldError, Result } from "../shared/result.js";
import { appError, err, ok } from "../shared/result.js";
import { checkPassword, type IsCommonPassword, normalizeEmail, type Role } from "./user.js";

/** An account as its owner sees it. Credentials never leave the write side. */
export interface User {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly role: Role;
  readonly registeredAt: Date;
  readonly confirmed: boolean;
}

/** What registration asks for; `role` is whatever the client sent, if anything. */
export interface RegistrationInput {
  readonly name: string;
  readonly email: string;
  readonly password: string;
  readonly role?: string | undefined;
}

export interface Registration {
  readonly name: string;
  readonly email: string;
  readonly password: string;
  readonly role: "user";
}

const NAME_LENGTH = { min: 1, max: 100 } as const;
const EMAIL_MAX_LENGTH = 254;

// Deliberately loose: one "@", something on each side, a dot in the domain, no spaces.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const checkEmail = (raw: string): Result<string> => {
  const email = normalizeEmail(raw);
  if (email.length > EMAIL_MAX_LENGTH || !EMAIL_SHAPE.test(email)) {
    return err(
      appError("validation", "invalid_email", "The email address is not valid.", {
        errors: [{ path: "email", message: "must be an email address" }],
      }),
    );
  }
  return ok(email);
};

export const checkName = (raw: string): Result<string> => {
  const name = raw.trim();
  const length = [...name].length;
  if (length < NAME_LENGTH.min || length > NAME_LENGTH.max) {
    return err(
      appError("validation", "invalid_name", "The name must be 1 to 100 characters long.", {
        errors: [{ path: "name", message: "must be 1 to 100 characters long" }],
      }),
    );
  }
  return ok(name);
};

/**
 * Self-service registration creates plain `user` accounts only: doctors come from POST /doctors/new and
 * admins from the command line, so a request naming any other role is refused rather than ignored.
 */
export function checkRegistration(
  input: RegistrationInput,
  isCommonPassword: IsCommonPassword,
): Result<Registration> {
  const name = checkName(input.name);
  const email = checkEmail(input.email);
  const password = checkPassword(input.password, isCommonPassword);
  const errors: FieldError[] = [];
  for (const r of [name, email, password]) if (!r.ok) errors.push(...(r.error.errors ?? []));
  if (input.role !== undefined && input.role !== "user") {
    errors.push({ path: "role", message: 'only "user" accounts can be registered' });
  }
  if (!name.ok || !email.ok || !password.ok || errors.length > 0) {
    return err(appError("validation", "validation_failed", "The registration is not valid.", { errors }));
  }
  return ok({ name: name.value, email: email.value, password: password.value, role: "user" });
}
