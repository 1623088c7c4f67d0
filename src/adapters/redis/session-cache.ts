import type { Logger } from "../../ports/logger.js";
import {
  LAST_USED_RESOLUTION_MS,
  type NewSession,
  type SessionRevocations,
  type SessionStore,
  type SessionSummary,
  type StoredSession,
} from "../../ports/session.store.js";
import type { RedisConnection } from "./client.js";
import { InvalidationListener } from "./invalidation-listener.js";

/** Where every process announces the sessions it revoked (account ids and token digests). */
const SESSION_REVOCATION_CHANNEL = "doctorly:v1:session-revocations";

export interface SessionCacheOptions {
  /** How long a session read from Postgres may be answered from this process's memory. */
  readonly ttlMs: number;
  /** The oldest sessions are dropped past this many (10,000 by default). */
  readonly maxEntries?: number;
}

interface Entry {
  readonly session: StoredSession;
  /** The `now` of the lookup that read it from Postgres. */
  readonly readAt: number;
}

interface Revoked {
  readonly userIds: readonly number[];
  readonly digests: readonly string[];
}

/**
 * The session lookup of every authenticated request, answered from this process's memory for up to
 * `ttlMs` (ADR 0011), over the Postgres store.
 *
 * - A revocation (sign-out, revoking one or all sessions, a password change, an account's erasure) is
 *   published on a Redis channel once it has committed, and every process forgets those sessions when the
 *   message arrives; a lookup that was under way meanwhile keeps nothing. While this process is not
 *   subscribed (Redis away, reconnecting), memory is emptied and bypassed: every lookup reads Postgres.
 * - `last_used_at` stays recorded as before, at most once a minute: a remembered session whose last
 *   recorded use is a minute old is looked up in Postgres again, and that lookup records the use.
 *   Memory answers for `ttlMs` at most, so a process reads each session it serves once per `ttlMs`.
 * - An extension (sliding expiry) forgets the session here, so the next lookup reads the new end.
 * - A session's role is its account's, which never changes once the account exists.
 */
export class CachedSessionStore implements SessionStore, SessionRevocations {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly revocationsHeard: InvalidationListener;
  /** Bumped by every revocation heard: a lookup that saw it change while waiting for Postgres keeps nothing. */
  private revocations = 0;

  constructor(
    private readonly inner: SessionStore,
    private readonly publisher: RedisConnection,
    subscriber: RedisConnection,
    private readonly logger: Logger,
    private readonly options: SessionCacheOptions,
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.revocationsHeard = new InvalidationListener(
      subscriber,
      SESSION_REVOCATION_CHANNEL,
      {
        onMessage: (message) => this.forget(revokedOf(message)),
        reset: () => {
          this.entries.clear();
          this.revocations++;
        },
      },
      logger,
      "session revocations not subscribed; every lookup reads Postgres",
    );
  }

  /** True while revocations are being heard (and memory may answer). */
  get listening(): boolean {
    return this.revocationsHeard.listening;
  }

  async use(tokenDigest: string, now: Date): Promise<StoredSession | null> {
    const at = now.getTime();
    if (this.listening) {
      const entry = this.entries.get(tokenDigest);
      // Read again: a session past its (remembered) end, as another process may have extended it, and one
      // whose use is due to be recorded.
      if (
        entry &&
        at - entry.readAt < this.options.ttlMs &&
        entry.session.expiresAt.getTime() > at &&
        at - entry.session.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS
      ) {
        return entry.session;
      }
    }
    const seen = this.revocations;
    const session = await this.inner.use(tokenDigest, now);
    if (session && session.revokedAt === null && this.listening && seen === this.revocations) {
      // `use` answers the session as it was before it recorded this use.
      const recorded = at - session.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
      this.remember(tokenDigest, {
        session: recorded ? { ...session, lastUsedAt: now } : session,
        readAt: at,
      });
    } else {
      this.entries.delete(tokenDigest);
    }
    return session;
  }

  create(session: NewSession): Promise<void> {
    return this.inner.create(session);
  }

  find(tokenDigest: string): Promise<StoredSession | null> {
    return this.inner.find(tokenDigest);
  }

  listLive(userId: number, now: Date): Promise<SessionSummary[]> {
    return this.inner.listLive(userId, now);
  }

  async revokeById(userId: number, sessionId: number, at: Date): Promise<boolean> {
    const revoked = await this.inner.revokeById(userId, sessionId, at);
    if (revoked) await this.revoked({ userIds: [userId] });
    return revoked;
  }

  async revokeAll(userId: number, at: Date, except?: number): Promise<number> {
    const count = await this.inner.revokeAll(userId, at, except);
    if (count > 0) await this.revoked({ userIds: [userId] });
    return count;
  }

  async extend(tokenDigest: string, expiresAt: Date): Promise<void> {
    await this.inner.extend(tokenDigest, expiresAt);
    this.entries.delete(tokenDigest);
  }

  async revoke(tokenDigest: string, at: Date): Promise<void> {
    await this.inner.revoke(tokenDigest, at);
    await this.revoked({ digests: [tokenDigest] });
  }

  /** Forgets the sessions here at once, then tells every other process. */
  async revoked(revoked: { readonly userIds?: readonly number[]; readonly digests?: readonly string[] }) {
    const message: Revoked = { userIds: revoked.userIds ?? [], digests: revoked.digests ?? [] };
    if (message.userIds.length + message.digests.length === 0) return;
    this.forget(message);
    try {
      await this.publisher.publish(SESSION_REVOCATION_CHANNEL, JSON.stringify(message));
    } catch (error) {
      // Other processes are then told nothing: what they remember expires within ttlMs.
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        "session revocation not published",
      );
    }
  }

  private remember(digest: string, entry: Entry) {
    this.entries.delete(digest);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(digest, entry);
  }

  private forget({ userIds, digests }: Revoked) {
    this.revocations++;
    for (const digest of digests) this.entries.delete(digest);
    if (userIds.length === 0) return;
    const users = new Set(userIds);
    for (const [digest, entry] of this.entries)
      if (users.has(entry.session.userId)) this.entries.delete(digest);
  }
}

const revokedOf = (message: string): Revoked => {
  try {
    const parsed = JSON.parse(message) as Partial<Record<keyof Revoked, unknown>>;
    const list = (value: unknown) => (Array.isArray(value) ? value : []);
    return {
      userIds: list(parsed.userIds).filter((id): id is number => typeof id === "number"),
      digests: list(parsed.digests).filter((d): d is string => typeof d === "string"),
    };
  } catch {
    return { userIds: [], digests: [] };
  }
};
