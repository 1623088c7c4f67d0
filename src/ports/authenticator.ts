import type { Principal } from "../domain/user/principal.js";

/** Resolves a raw bearer token to its account, or null when unknown, expired or revoked. */
export interface Authenticator {
  authenticate(rawToken: string): Promise<Principal | null>;
}

export const AUTHENTICATOR = Symbol.for("doctorly.Authenticator");
