import type { Session } from "../domain/user/session.js";
import type { Role } from "../domain/user/user.js";

/** A session with the role its account has now (a role change applies to sessions already open). */
export interface StoredSession extends Session {
  readonly role: Role;
}

/** Sessions, addressed only by the SHA-256 digest of their token. */
export interface SessionStore {
  create(session: { tokenDigest: string; userId: number; expiresAt: Date }): Promise<void>;
  find(tokenDigest: string): Promise<StoredSession | null>;
  /** Moves the end of an active session; a revoked session stays revoked. */
  extend(tokenDigest: string, expiresAt: Date): Promise<void>;
  /** Idempotent: revoking twice keeps the first revocation time. */
  revoke(tokenDigest: string, at: Date): Promise<void>;
}

export const SESSION_STORE = Symbol.for("doctorly.SessionStore");
