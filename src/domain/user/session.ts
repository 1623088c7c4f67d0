/**
 * A sign-in session. The token itself is never part of it: only the client holds the token, and the
 * server finds the session by the token's digest.
 */
export interface Session {
  readonly userId: number;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

export const DAY_MS = 86_400_000;

export const sessionExpiry = (now: Date, ttlMs: number): Date => new Date(now.getTime() + ttlMs);

export const isSessionActive = (session: Session, now: Date): boolean =>
  session.revokedAt === null && session.expiresAt.getTime() > now.getTime();

/**
 * Sliding expiry: each use pushes the end to `now + ttl`. To avoid a write on every request the end only
 * moves once it has fallen behind by a thirtieth of the lifetime (a day, for the default 30 days).
 * Returns the new end, or null when the session keeps its current one (or may not be extended).
 */
export function slideExpiry(session: Session, now: Date, ttlMs: number): Date | null {
  if (!isSessionActive(session, now)) return null;
  const renewed = sessionExpiry(now, ttlMs);
  return renewed.getTime() - session.expiresAt.getTime() >= ttlMs / 30 ? renewed : null;
}
