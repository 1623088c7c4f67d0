import type { Session } from "../domain/user/session.js";
import type { Role } from "../domain/user/user.js";

/** A session with the role its account has now (a role change applies to sessions already open). */
export interface StoredSession extends Session {
  readonly role: Role;
}

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

export const SESSION_STORE = Symbol.for("doctorly.SessionStore");
export const SESSION_PURGER = Symbol.for("doctorly.SessionPurger");
