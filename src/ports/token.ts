/** Bearer tokens: random secrets handed to the client once, stored by digest only. */
export interface SessionTokens {
  /** A new random token (at least 160 bits of entropy), safe in an Authorization header. */
  issue(): string;
  /** The lower-case hex SHA-256 of a token: what the database and any cache key may hold. */
  digest(token: string): string;
}

export const SESSION_TOKENS = Symbol.for("doctorly.SessionTokens");
