import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import { checkRegistration, type RegistrationInput, type User } from "../../../domain/user/account.js";
import type { CommonPasswords } from "../../../ports/common-passwords.js";
import type { PasswordHasher } from "../../../ports/password-hasher.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";

export const emailTaken = () =>
  appError("conflict", "email_taken", "An account with this email address already exists.");

/** POST /users/register: a new `user` account, its email normalised and unique. */
export class RegisterUser {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly hasher: PasswordHasher,
    private readonly commonPasswords: CommonPasswords,
  ) {}

  async execute(input: RegistrationInput): Promise<Result<User>> {
    const checked = checkRegistration(input, (pw) => this.commonPasswords.includes(pw));
    if (!checked.ok) return checked;
    const { name, email, role, password } = checked.value;
    // Hashed before the transaction opens: it is slow CPU work that must not hold a connection.
    const passwordHash = await this.hasher.hash(password);
    return this.uow.run<User>(async ({ users }) => {
      if (await users.credentialsByEmail(email)) return err(emailTaken());
      return ok(await users.add({ name, email, role, passwordHash }));
    });
  }
}
