import type { Principal } from "../../../domain/user/principal.js";
import type { Clock } from "../../../ports/clock.js";
import type { SessionStore } from "../../../ports/session.store.js";

/** A session as GET /auth/sessions shows it: never its token or the token's digest. */
export interface SessionView {
  id: number;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  current: boolean;
}

export class SessionQueries {
  constructor(
    private readonly sessions: SessionStore,
    private readonly clock: Clock,
  ) {}

  /** The caller's account's live sessions, newest first; `current` marks the one of this request. */
  async live(principal: Principal): Promise<{ data: SessionView[] }> {
    const rows = await this.sessions.listLive(principal.userId, this.clock.now());
    return {
      data: rows.map((s) => ({
        id: s.id,
        created_at: s.createdAt.toISOString(),
        last_used_at: s.lastUsedAt.toISOString(),
        expires_at: s.expiresAt.toISOString(),
        current: s.id === principal.sessionId,
      })),
    };
  }
}
