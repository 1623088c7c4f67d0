import { err, ok, type Result } from "../../../domain/shared/result.js";
import type { User } from "../../../domain/user/account.js";
import type { UserRepository } from "../../../ports/user.repository.js";
import { accountGone } from "../../not-found.js";

/** Reads of an account, only ever by its owner. */
export class UserQueries {
  constructor(private readonly users: UserRepository) {}

  async info(userId: number): Promise<Result<User>> {
    const user = await this.users.byId(userId);
    return user ? ok(user) : err(accountGone);
  }
}
