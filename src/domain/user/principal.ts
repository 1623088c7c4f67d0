import type { Role } from "./user.js";

/** Who is making a request: the signed-in account and its role. */
export interface Principal {
  readonly userId: number;
  readonly role: Role;
  /** The session the request was authenticated with (absent for callers not signed in by a session). */
  readonly sessionId?: number;
}
