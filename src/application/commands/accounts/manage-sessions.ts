import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { Clock } from "../../../ports/clock.js";
import type { SessionStore } from "../../../ports/session.store.js";

const sessionNotFound = () =>
  appError("not_found", "session_not_found", "No such live session among the caller's.");

/**
 * DELETE /auth/sessions/{id}: revokes one of the caller's own live sessions (the caller's own included).
 * Another account's session, an unknown id and an ended session all answer 404 alike.
 */
export class RevokeSession {
  constructor(
    private readonly sessions: SessionStore,
    private readonly clock: Clock,
  ) {}

  async execute(principal: Principal, sessionId: number): Promise<Result<void>> {
    const revoked = await this.sessions.revokeById(principal.userId, sessionId, this.clock.now());
    return revoked ? ok(undefined) : err(sessionNotFound());
  }
}

/** DELETE /auth/sessions: signs the account out everywhere, the caller's own session included. */
export class SignOutEverywhere {
  constructor(
    private readonly sessions: SessionStore,
    private readonly clock: Clock,
  ) {}

  async execute(principal: Principal): Promise<Result<void>> {
    await this.sessions.revokeAll(principal.userId, this.clock.now());
    return ok(undefined);
  }
}
