import type { Session } from "../domain/user/session.js";
import type { Role } from "../domain/user/user.js";

/** A session with the role its account has now (a role change applies to sessions already open). */
export interface StoredSession extends Session {
  readonly id: number;
  readonly role: Role;
  /** Recorded coarsely: at most once a minute (see `use`). */
  readonly lastUsedAt: Date;
}

/** A live session as its account sees it in GET /auth/sessions: never its token or the token's digest. */
export interface SessionSummary {
  readonly id: number;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  /** The sliding end (never after the absolute one). */
  readonly expiresAt: Date;
}

/** A session moves its `lastUsedAt` only once it is this old, so that most requests write nothing. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export interface NewSession {
  readonly tokenDigest: string;
  readonly userId: number;
  readonly expiresAt: Date;
  readonly absoluteExpiresAt: Date;
}

/** Sessions, addressed only by the SHA-256 digest of their token. */
export interface SessionStore {
  create(session: NewSession): Promise<void>;
  find(tokenDigest: string): Promise<StoredSession | null>;
  /**
   * `find` for an authentication at `now`, in one round trip: a live (not revoked, not expired) session
   * whose `lastUsedAt` is more than LAST_USED_RESOLUTION_MS before `now` has it set to `now`. The answer
   * is the session as it was before that.
   */
  use(tokenDigest: string, now: Date): Promise<StoredSession | null>;
  /** The account's live sessions at `now` (not revoked, not expired), newest first. */
  listLive(userId: number, now: Date): Promise<SessionSummary[]>;
  /** Revokes the account's live session `sessionId`; false when the account has no such live session. */
  revokeById(userId: number, sessionId: number, at: Date): Promise<boolean>;
  /** Revokes every live session of the account, but the one `except` names (if any); how many. */
  revokeAll(userId: number, at: Date, except?: number): Promise<number>;
  /** Moves the end of an active session forward, never past its absolute end; a revoked one stays revoked. */
  extend(tokenDigest: string, expiresAt: Date): Promise<void>;
  /** Idempotent: revoking twice keeps the first revocation time. */
  revoke(tokenDigest: string, at: Date): Promise<void>;
}

/**
 * Deletes sessions that can never be used again: expired (past either end) or revoked. Nothing reads
 * such a row (a deleted session and a revoked one both answer 401), so none is kept. Returns how many.
 */
export interface SessionPurger {
  /** At most `limit` of them; the workers call it batch after batch (application/maintenance/purges.ts). */
  purgeEnded(now: Date, limit: number): Promise<number>;
}

/**
 * Tells every process that sessions were revoked, once the revocation has committed, so that a process
 * that remembers them (a session cache) forgets them at once. Revocations made through the bound
 * `SessionStore` announce themselves; the unit of work announces those made inside a transaction.
 */
export interface SessionRevocations {
  revoked(revoked: {
    readonly userIds?: readonly number[];
    readonly digests?: readonly string[];
  }): Promise<void>;
}

export const SESSION_STORE = Symbol.for("doctorly.SessionStore");
export const SESSION_REVOCATIONS = Symbol.for("doctorly.SessionRevocations");
export const SESSION_PURGER = Symbol.for("doctorly.SessionPurger");
