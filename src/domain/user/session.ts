/**
 * A sign-in session. The token itself is never part of it: only the client holds the token, and the
 * server finds the session by the token's digest.
 */
export interface Session {
  readonly userId: number;
  /** The sliding end: pushed forward by use, never past `absoluteExpiresAt`. */
  readonly expiresAt: Date;
  /** The absolute end, fixed at sign-in: however often the session is used, it ends here. */
  readonly absoluteExpiresAt: Date;
  readonly revokedAt: Date | null;
}

export const DAY_MS = 86_400_000;

/** How long a session lives: `idleMs` after its last use, and at most `maxMs` after sign-in. */
export interface SessionLifetime {
  readonly idleMs: number;
  readonly maxMs: number;
}

/** The ends of a session opened at `now`. */
export function newSessionExpiry(
  now: Date,
  lifetime: SessionLifetime,
): { expiresAt: Date; absoluteExpiresAt: Date } {
  const absoluteExpiresAt = new Date(now.getTime() + lifetime.maxMs);
  return {
    expiresAt: earlier(new Date(now.getTime() + lifetime.idleMs), absoluteExpiresAt),
    absoluteExpiresAt,
  };
}

export const isSessionActive = (session: Session, now: Date): boolean =>
  session.revokedAt === null &&
  session.expiresAt.getTime() > now.getTime() &&
  session.absoluteExpiresAt.getTime() > now.getTime();

/**
 * Sliding expiry: each use pushes the end to `now + idle`, never past the absolute end. To avoid a write
 * on every request the end only moves once it has fallen behind by a thirtieth of the idle lifetime (a
 * day, for the default 30 days). Returns the new end, or null when the session keeps its current one (or
 * may not be extended).
 */
export function slideExpiry(session: Session, now: Date, idleMs: number): Date | null {
  if (!isSessionActive(session, now)) return null;
  const renewed = earlier(new Date(now.getTime() + idleMs), session.absoluteExpiresAt);
  const gain = renewed.getTime() - session.expiresAt.getTime();
  // The last step up to the absolute end is taken even when short, so an active session lasts to it.
  const lastStep = gain > 0 && renewed === session.absoluteExpiresAt;
  return gain >= idleMs / 30 || lastStep ? renewed : null;
}

const earlier = (a: Date, b: Date): Date => (a.getTime() <= b.getTime() ? a : b);
