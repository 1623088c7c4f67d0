import type { Principal } from "../../../domain/user/principal.js";
import { isSessionActive, slideExpiry } from "../../../domain/user/session.js";
import type { Authenticator } from "../../../ports/authenticator.js";
import type { Clock } from "../../../ports/clock.js";
import type { SessionStore } from "../../../ports/session.store.js";
import type { SessionTokens } from "../../../ports/token.js";

// Far above any token we issue; anything longer is not ours and is not worth hashing.
const MAX_TOKEN_LENGTH = 256;

/**
 * Bearer tokens → principals, by the token's digest. The session store answers a lookup from the API
 * process's memory for a few seconds (ADR 0011) and reads Postgres otherwise (one indexed lookup, which
 * also records when the session was last used, coarsely); a revocation is forgotten by every process as
 * soon as it commits, so a revoked token answers 401 at once everywhere.
 */
export class SessionAuthenticator implements Authenticator {
  constructor(
    private readonly sessions: SessionStore,
    private readonly tokens: SessionTokens,
    private readonly clock: Clock,
    /** The sliding (idle) lifetime; the absolute end is the session's own. */
    private readonly sessionIdleMs: number,
  ) {}

  async authenticate(rawToken: string): Promise<Principal | null> {
    if (rawToken.length === 0 || rawToken.length > MAX_TOKEN_LENGTH) return null;
    const digest = this.tokens.digest(rawToken);
    const now = this.clock.now();
    // The lookup also records the use (at most once a minute), in the same round trip.
    const session = await this.sessions.use(digest, now);
    if (!session || !isSessionActive(session, now)) return null;
    const extended = slideExpiry(session, now, this.sessionIdleMs);
    if (extended) await this.sessions.extend(digest, extended);
    return { userId: session.userId, role: session.role, sessionId: session.id };
  }
}
