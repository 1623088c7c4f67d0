import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import { checkEmail, checkName } from "../../../domain/user/account.js";
import { checkPassword } from "../../../domain/user/user.js";
import type { CommonPasswords } from "../../../ports/common-passwords.js";
import type { PasswordHasher } from "../../../ports/password-hasher.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";

export interface CreateAdminInput {
  readonly email: string;
  readonly password: string;
  readonly name?: string | undefined;
}

export type CreateAdminOutcome =
  | { readonly status: "created"; readonly userId: number; readonly email: string }
  | { readonly status: "exists"; readonly userId: number; readonly email: string };

/**
 * The only way an admin comes to be (`npm run admin:create`). Idempotent: an admin that already has the
 * email is left as it is (its password untouched); an ordinary account with that email is never promoted.
 */
export class CreateAdmin {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly hasher: PasswordHasher,
    private readonly commonPasswords: CommonPasswords,
  ) {}

  async execute(input: CreateAdminInput): Promise<Result<CreateAdminOutcome>> {
    const email = checkEmail(input.email);
    if (!email.ok) return email;
    const name = checkName(input.name ?? "Administrator");
    if (!name.ok) return name;
    const password = checkPassword(input.password, (pw) => this.commonPasswords.includes(pw));
    if (!password.ok) return password;
    const passwordHash = await this.hasher.hash(password.value);
    return this.uow.run<CreateAdminOutcome>(async ({ users }) => {
      const existing = await users.credentialsByEmail(email.value);
      if (existing?.role === "admin")
        return ok({ status: "exists", userId: existing.id, email: email.value });
      if (existing) {
        return err(
          appError(
            "conflict",
            "email_taken",
            `${email.value} belongs to a ${existing.role} account; an existing account is never made an admin.`,
          ),
        );
      }
      const admin = await users.add({ name: name.value, email: email.value, role: "admin", passwordHash });
      return ok({ status: "created", userId: admin.id, email: admin.email });
    });
  }
}
