import type { Clock } from "../../../src/ports/clock.js";
import type { CommonPasswords } from "../../../src/ports/common-passwords.js";
import type { Logger } from "../../../src/ports/logger.js";
import type { PasswordHasher } from "../../../src/ports/password-hasher.js";
import type { AttemptLimiter, LimitDecision } from "../../../src/ports/rate-limiter.js";
import {
  LAST_USED_RESOLUTION_MS,
  type NewSession,
  type SessionPurger,
  type SessionStore,
  type SessionSummary,
  type StoredSession,
} from "../../../src/ports/session.store.js";
import type { SessionTokens } from "../../../src/ports/token.js";

/** Reversible on purpose, so tests can see what was hashed; counts verifications. */
export class FakeHasher implements PasswordHasher {
  verifications = 0;
  async hash(password: string): Promise<string> {
    return `hashed:${password}`;
  }
  async verify(hash: string, password: string): Promise<boolean> {
    this.verifications++;
    return hash === `hashed:${password}`;
  }
}

/** A short stand-in for the common-password list, compared case-insensitively as the real one. */
export class FakeCommonPasswords implements CommonPasswords {
  private readonly words: ReadonlySet<string>;
  constructor(words: readonly string[] = ["12345678", "password1", "qwertyuiop"]) {
    this.words = new Set(words.map((w) => w.toLowerCase()));
  }
  includes(password: string): boolean {
    return this.words.has(password.toLowerCase());
  }
}

export class FakeTokens implements SessionTokens {
  private next = 1;
  issue(): string {
    return `token-${this.next++}`;
  }
  digest(token: string): string {
    return `digest(${token})`;
  }
}

/** A stored session with what the Postgres row also holds (its opening time). */
type FakeSessionRow = Omit<StoredSession, "role"> & { readonly createdAt: Date };

export class FakeSessionStore implements SessionStore, SessionPurger {
  readonly rows = new Map<string, FakeSessionRow>();
  private nextId = 1;
  constructor(
    private readonly roleOf: (userId: number) => StoredSession["role"] = () => "user",
    /** When a session is opened (Postgres: the transaction's now()). */
    private readonly now: () => Date = () => new Date(),
  ) {}

  private stored(row: FakeSessionRow | undefined): StoredSession | null {
    if (!row) return null;
    const { createdAt: _, ...session } = row;
    return { ...session, role: this.roleOf(row.userId) };
  }
  private isLive(row: FakeSessionRow, now: Date): boolean {
    return row.revokedAt === null && row.expiresAt.getTime() > now.getTime();
  }

  async create(s: NewSession): Promise<void> {
    const opened = this.now();
    this.rows.set(s.tokenDigest, {
      id: this.nextId++,
      userId: s.userId,
      expiresAt: s.expiresAt,
      absoluteExpiresAt: s.absoluteExpiresAt,
      revokedAt: null,
      createdAt: opened,
      lastUsedAt: opened,
    });
  }
  async find(tokenDigest: string): Promise<StoredSession | null> {
    return this.stored(this.rows.get(tokenDigest));
  }
  async use(tokenDigest: string, now: Date): Promise<StoredSession | null> {
    const row = this.rows.get(tokenDigest);
    if (row && this.isLive(row, now) && row.lastUsedAt.getTime() < now.getTime() - LAST_USED_RESOLUTION_MS) {
      this.rows.set(tokenDigest, { ...row, lastUsedAt: now });
    }
    return this.stored(row);
  }
  async listLive(userId: number, now: Date): Promise<SessionSummary[]> {
    return [...this.rows.values()]
      .filter((r) => r.userId === userId && this.isLive(r, now))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
      .map((r) => ({ id: r.id, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt, expiresAt: r.expiresAt }));
  }
  async revokeById(userId: number, sessionId: number, at: Date): Promise<boolean> {
    for (const [digest, row] of this.rows) {
      if (row.id === sessionId && row.userId === userId && this.isLive(row, at)) {
        this.rows.set(digest, { ...row, revokedAt: at });
        return true;
      }
    }
    return false;
  }
  async revokeAll(userId: number, at: Date, except?: number): Promise<number> {
    let revoked = 0;
    for (const [digest, row] of this.rows) {
      if (row.userId === userId && row.id !== except && this.isLive(row, at)) {
        this.rows.set(digest, { ...row, revokedAt: at });
        revoked++;
      }
    }
    return revoked;
  }
  async extend(tokenDigest: string, expiresAt: Date): Promise<void> {
    const row = this.rows.get(tokenDigest);
    if (row && row.revokedAt === null && row.expiresAt < expiresAt && row.expiresAt < row.absoluteExpiresAt) {
      const capped = expiresAt < row.absoluteExpiresAt ? expiresAt : row.absoluteExpiresAt;
      this.rows.set(tokenDigest, { ...row, expiresAt: capped });
    }
  }
  async revoke(tokenDigest: string, at: Date): Promise<void> {
    const row = this.rows.get(tokenDigest);
    if (row && row.revokedAt === null) this.rows.set(tokenDigest, { ...row, revokedAt: at });
  }
  async purgeEnded(now: Date, limit: number): Promise<number> {
    let purged = 0;
    for (const [digest, row] of this.rows) {
      if (purged >= limit) break;
      if (row.revokedAt !== null || row.expiresAt <= now) purged += Number(this.rows.delete(digest));
    }
    return purged;
  }
}

/** The Redis limiter's fixed windows, on a test clock. */
export class FakeAttemptLimiter implements AttemptLimiter {
  readonly windows = new Map<string, { count: number; endsAt: number }>();
  constructor(
    private readonly clock: Clock,
    private readonly attempts: number,
    private readonly windowSeconds: number,
  ) {}

  private live(key: string) {
    const w = this.windows.get(key);
    return w && w.endsAt > this.clock.now().getTime() ? w : undefined;
  }
  async take(key: string): Promise<LimitDecision> {
    const now = this.clock.now().getTime();
    const w = this.live(key) ?? { count: 0, endsAt: now + this.windowSeconds * 1000 };
    w.count++;
    this.windows.set(key, w);
    return w.count <= this.attempts
      ? { allowed: true }
      : { allowed: false, retryAfter: Math.max(1, Math.ceil((w.endsAt - now) / 1000)) };
  }
  async giveBack(key: string): Promise<void> {
    const w = this.live(key);
    if (w) w.count--;
  }
  async clear(key: string): Promise<void> {
    this.windows.delete(key);
  }
}

/** Keeps what was logged, to check that no secret reaches a log line (`lines`) or what was warned (`warnings`). */
export class RecordingLogger implements Logger {
  readonly lines: unknown[] = [];
  readonly warnings: unknown[] = [];
  private record = (...args: unknown[]) => void this.lines.push(args);
  readonly debug = this.record;
  readonly info = this.record;
  readonly warn = (...args: unknown[]) => {
    this.record(...args);
    this.warnings.push(args);
  };
  readonly error = this.record;
}
