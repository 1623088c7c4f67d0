import { ok, type Result } from "../../../domain/shared/result.js";
import type { Clock } from "../../../ports/clock.js";
import type { SessionStore } from "../../../ports/session.store.js";
import type { SessionTokens } from "../../../ports/token.js";

/** PUT /auth/logout: revokes the one session whose token was presented; other devices stay signed in. */
export class SignOut {
  constructor(
    private readonly sessions: SessionStore,
    private readonly tokens: SessionTokens,
    private readonly clock: Clock,
  ) {}

  async execute(token: string): Promise<Result<void>> {
    await this.sessions.revoke(this.tokens.digest(token), this.clock.now());
    return ok(undefined);
  }
}
