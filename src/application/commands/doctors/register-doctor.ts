import { appError, err, type FieldError, ok, type Result } from "../../../domain/shared/result.js";
import { canonicalTimeZone } from "../../../domain/sitting/zoned-time.js";
import { checkEmail, checkName } from "../../../domain/user/account.js";
import { checkPassword } from "../../../domain/user/user.js";
import type { CommonPasswords } from "../../../ports/common-passwords.js";
import type { PasswordHasher } from "../../../ports/password-hasher.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { emailTaken } from "../accounts/register-user.js";

export interface DoctorRegistration {
  readonly name: string;
  readonly email: string;
  readonly password: string;
  readonly description: string;
  readonly timezone?: string | undefined;
  readonly role?: string | undefined;
}

/** POST /doctors/new: a new account with role `doctor` and its profile, in one transaction. */
export class RegisterDoctor {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly hasher: PasswordHasher,
    private readonly commonPasswords: CommonPasswords,
    private readonly defaultTimeZone: string,
  ) {}

  async execute(input: DoctorRegistration): Promise<Result<{ doctorId: number }>> {
    const name = checkName(input.name);
    const email = checkEmail(input.email);
    const password = checkPassword(input.password, (pw) => this.commonPasswords.includes(pw));
    const timeZone = canonicalTimeZone(input.timezone ?? this.defaultTimeZone);
    const errors: FieldError[] = [];
    for (const r of [name, email, password]) if (!r.ok) errors.push(...(r.error.errors ?? []));
    if (timeZone === null) errors.push({ path: "timezone", message: "must be an IANA time zone" });
    if (input.role !== undefined && input.role !== "doctor") {
      errors.push({ path: "role", message: 'this endpoint creates "doctor" accounts only' });
    }
    if (!name.ok || !email.ok || !password.ok || timeZone === null || errors.length > 0) {
      return err(appError("validation", "validation_failed", "The registration is not valid.", { errors }));
    }

    // Hashed before the transaction opens: slow CPU work must not hold a connection.
    const passwordHash = await this.hasher.hash(password.value);
    return this.uow.run(async ({ users, doctors, outbox }) => {
      if (await users.credentialsByEmail(email.value)) return err(emailTaken());
      const user = await users.add({ name: name.value, email: email.value, role: "doctor", passwordHash });
      const doctor = await doctors.insert({
        userId: user.id,
        description: input.description.trim(),
        timeZone,
      });
      await outbox.append([{ type: "DoctorRegistered", doctorId: doctor.id, userId: user.id }]);
      return ok({ doctorId: doctor.id });
    });
  }
}
