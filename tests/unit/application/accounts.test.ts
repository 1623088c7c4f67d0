import { beforeEach, describe, expect, it } from "vitest";
import { CreateAdmin } from "../../../src/application/commands/accounts/create-admin.js";
import { RegisterUser } from "../../../src/application/commands/accounts/register-user.js";
import { SignIn } from "../../../src/application/commands/accounts/sign-in.js";
import { SignOut } from "../../../src/application/commands/accounts/sign-out.js";
import { SessionAuthenticator } from "../../../src/application/queries/accounts/authenticate.js";
import { UserQueries } from "../../../src/application/queries/accounts/user.queries.js";
import type { Result } from "../../../src/domain/shared/result.js";
import { DAY_MS } from "../../../src/domain/user/session.js";
import {
  FakeAttemptLimiter,
  FakeCommonPasswords,
  FakeHasher,
  FakeTokens,
  RecordingLogger,
} from "../../support/fakes/accounts.js";
import { FakeUnitOfWork, FixedClock } from "../../support/fakes/unit-of-work.js";

const TTL_DAYS = 30;
const MAX_DAYS = 90;
const MAX_FAILURES = 3;
const WINDOW_SECONDS = 60;
const DAILY_FAILURES = 5;

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function setup(lifetimeDays: { ttl: number; max: number } = { ttl: TTL_DAYS, max: MAX_DAYS }) {
  const clock = new FixedClock(new Date("2026-12-01T09:00:00Z"));
  const uow = new FakeUnitOfWork(clock);
  const hasher = new FakeHasher();
  const commonPasswords = new FakeCommonPasswords();
  const tokens = new FakeTokens();
  // The sessions the unit of work's transactions see (a password change revokes them there).
  const sessions = uow.sessions;
  const limits = {
    pair: new FakeAttemptLimiter(clock, MAX_FAILURES, WINDOW_SECONDS),
    client: new FakeAttemptLimiter(clock, DAILY_FAILURES, 86_400),
  };
  const logger = new RecordingLogger();
  const users = {
    add: async () => {
      throw new Error("reads only");
    },
    byId: async (id: number) => uow.state.users.find((u) => u.id === id) ?? null,
    credentialsByEmail: async (email: string) => uow.state.users.find((u) => u.email === email) ?? null,
    credentialsById: async (id: number) => uow.state.users.find((u) => u.id === id) ?? null,
    erase: async () => {
      throw new Error("reads only");
    },
    setPasswordHash: async () => {
      throw new Error("reads only");
    },
    consumePasswordReset: async () => {
      throw new Error("reads only");
    },
  };
  const sessionLifetime = { idleMs: lifetimeDays.ttl * DAY_MS, maxMs: lifetimeDays.max * DAY_MS };
  return {
    clock,
    uow,
    hasher,
    tokens,
    sessions,
    limits,
    logger,
    register: new RegisterUser(uow, hasher, commonPasswords),
    createAdmin: new CreateAdmin(uow, hasher, commonPasswords),
    signIn: new SignIn({
      users,
      hasher,
      sessions,
      tokens,
      limits,
      logger,
      clock,
      settings: { sessionLifetime },
    }),
    signOut: new SignOut(sessions, tokens, clock),
    authenticator: new SessionAuthenticator(sessions, tokens, clock, sessionLifetime.idleMs),
    queries: new UserQueries(users),
  };
}

type World = ReturnType<typeof setup>;
const ann = { name: "Ann Example", email: "  Ann.Example@Example.COM ", password: "s3cret-passw0rd" };

describe("registering a user", () => {
  let w: World;
  beforeEach(() => {
    w = setup();
  });

  it("stores a trimmed, lower-cased email, role user and only a hash of the password", async () => {
    const user = value(await w.register.execute(ann));
    expect(user).toMatchObject({ name: "Ann Example", email: "ann.example@example.com", role: "user" });
    expect(user).not.toHaveProperty("passwordHash");
    expect(w.uow.state.users[0]?.passwordHash).toBe("hashed:s3cret-passw0rd");
  });

  it("refuses an email that is taken, whatever its case and spacing (409)", async () => {
    value(await w.register.execute(ann));
    const again = await w.register.execute({ ...ann, email: "ANN.EXAMPLE@example.com" });
    expect(again).toMatchObject({ ok: false, error: { kind: "conflict", code: "email_taken" } });
    expect(w.uow.state.users).toHaveLength(1);
  });

  it.each(["admin", "doctor", "superuser", ""])("refuses role %j with a field error (400)", async (role) => {
    const result = await w.register.execute({ ...ann, role });
    expect(result).toMatchObject({ ok: false, error: { kind: "validation", errors: [{ path: "role" }] } });
    expect(w.uow.state.users).toHaveLength(0);
  });

  it('accepts role "user"', async () => {
    expect(value(await w.register.execute({ ...ann, role: "user" })).role).toBe("user");
  });

  it.each(["12345678", "password1", "PASSWORD1"])(
    "refuses the common password %j with a field error saying so, and stores nothing",
    async (password) => {
      const result = await w.register.execute({ ...ann, password });
      expect(result).toMatchObject({
        ok: false,
        error: {
          kind: "validation",
          errors: [{ path: "password", message: expect.stringContaining("too common") }],
        },
      });
      expect(w.uow.state.users).toHaveLength(0);
    },
  );

  it("lists every invalid field at once", async () => {
    const result = await w.register.execute({ name: " ", email: "not-an-email", password: "short" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.errors?.map((e) => e.path).sort()).toEqual(["email", "name", "password"]);
  });
});

describe("signing in", () => {
  let w: World;
  beforeEach(async () => {
    w = setup();
    value(await w.register.execute(ann));
  });
  const attempt = (password: string, email = "ann.example@example.com", client = "10.0.0.1") =>
    w.signIn.execute({ email, password, client });

  it("issues a token whose session is stored by digest, expiring after the session lifetime", async () => {
    const issued = value(await attempt(ann.password, "  ANN.example@example.com"));
    expect(issued.expiresAt).toEqual(new Date(w.clock.now().getTime() + TTL_DAYS * DAY_MS));
    expect(w.sessions.rows.get(w.tokens.digest(issued.token))?.absoluteExpiresAt).toEqual(
      new Date(w.clock.now().getTime() + MAX_DAYS * DAY_MS),
    );
    expect(w.sessions.rows.has(issued.token)).toBe(false);
    expect(w.sessions.rows.get(w.tokens.digest(issued.token))).toMatchObject({ userId: 1, revokedAt: null });
  });

  it("answers an expiry no later than the absolute end when SESSION_MAX_DAYS is the shorter", async () => {
    const short = setup({ ttl: 30, max: 7 });
    value(await short.register.execute(ann));
    const issued = value(await short.signIn.execute({ ...ann, client: "unknown" }));
    const end = short.clock.now().getTime() + 7 * DAY_MS;
    expect(issued.expiresAt.getTime()).toBe(end);
    expect(short.sessions.rows.get(short.tokens.digest(issued.token))).toMatchObject({
      expiresAt: new Date(end),
      absoluteExpiresAt: new Date(end),
    });
  });

  it("answers a wrong password and an unknown email alike, both paying for a hash check", async () => {
    const wrong = await attempt("wrong password");
    const unknown = await attempt(ann.password, "nobody@example.com");
    for (const r of [wrong, unknown]) {
      expect(r).toMatchObject({ ok: false, error: { kind: "unauthenticated", code: "invalid_credentials" } });
    }
    expect(w.hasher.verifications).toBe(2);
  });

  it("refuses a client after too many failures for one email (429 with Retry-After), even with the right password", async () => {
    for (let i = 0; i < MAX_FAILURES; i++) expect((await attempt("wrong")).ok).toBe(false);
    const blocked = await attempt(ann.password);
    expect(blocked).toMatchObject({ ok: false, error: { kind: "rate_limited", retryAfter: WINDOW_SECONDS } });
  });

  it("counts parallel guesses before checking them: at most the limit is ever verified", async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => attempt("wrong")));
    expect(answers.filter((a) => !a.ok && a.error.kind === "unauthenticated")).toHaveLength(MAX_FAILURES);
    expect(answers.filter((a) => !a.ok && a.error.kind === "rate_limited")).toHaveLength(10 - MAX_FAILURES);
    expect(w.hasher.verifications).toBe(MAX_FAILURES);
  });

  it("never turns an attacker's failures against the owner: the right password from another client signs in", async () => {
    for (let i = 0; i < MAX_FAILURES + 2; i++) await attempt("wrong", undefined, "203.0.113.66");
    expect(await attempt(ann.password, undefined, "203.0.113.66")).toMatchObject({
      error: { kind: "rate_limited" },
    });
    expect((await attempt(ann.password, undefined, "10.0.0.1")).ok).toBe(true);
  });

  it("lets the client in again once the window has passed", async () => {
    for (let i = 0; i < MAX_FAILURES; i++) await attempt("wrong");
    w.clock.current = new Date(w.clock.now().getTime() + 30_000);
    expect(await attempt(ann.password)).toMatchObject({ error: { retryAfter: 30 } });
    w.clock.current = new Date(w.clock.now().getTime() + 30_001);
    expect((await attempt(ann.password)).ok).toBe(true);
  });

  it("forgets the pair's failures after a success, and gives the day's attempt back", async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await attempt("wrong")).ok).toBe(false);
      value(await attempt(ann.password));
    }
    // Four failures in a row would have refused the pair; the day counts the failures only.
    expect(w.limits.client.windows.get("10.0.0.1")?.count).toBe(2 * (MAX_FAILURES - 1));
  });

  it("refuses a client that failed for many emails, for every email, and only that client", async () => {
    for (let i = 0; i < DAILY_FAILURES; i++) await attempt("wrong", `guess${i}@example.com`, "192.0.2.7");
    expect(await attempt(ann.password, undefined, "192.0.2.7")).toMatchObject({
      error: { kind: "rate_limited", retryAfter: 86_400 },
    });
    // The refused attempt was not counted against the pair.
    expect(w.limits.pair.windows.get("192.0.2.7|ann.example@example.com")?.count).toBe(0);
    expect((await attempt(ann.password, undefined, "192.0.2.8")).ok).toBe(true);
  });

  it("logs each failed sign-in with the account id and client, never the email", async () => {
    await attempt("wrong");
    await attempt("wrong", "nobody@example.com", "192.0.2.9");
    const failed = w.logger.lines.filter((l) => JSON.stringify(l).includes("sign-in failed"));
    expect(failed).toEqual([
      [{ userId: 1, client: "10.0.0.1" }, "sign-in failed"],
      [{ userId: null, client: "192.0.2.9" }, "sign-in failed"],
    ]);
    expect(JSON.stringify(w.logger.lines)).not.toContain("example.com");
  });

  it("still signs in an account whose password has since become a common one", async () => {
    w.uow.state.users.push({
      ...(w.uow.state.users[0] as (typeof w.uow.state.users)[number]),
      id: 2,
      email: "old@example.com",
      passwordHash: "hashed:password1",
    });
    expect((await attempt("password1", "old@example.com")).ok).toBe(true);
  });

  it("treats a password longer than any allowed as wrong without hashing it", async () => {
    expect(await attempt("x".repeat(10_000))).toMatchObject({ error: { kind: "unauthenticated" } });
    expect(w.hasher.verifications).toBe(0);
  });

  it("never logs a password or token", async () => {
    for (let i = 0; i <= MAX_FAILURES; i++) await attempt("wrong-password-value");
    const logged = JSON.stringify(w.logger.lines);
    expect(logged).not.toContain("wrong-password-value");
    expect(logged).not.toContain(ann.password);
  });
});

describe("sessions", () => {
  let w: World;
  let token: string;
  beforeEach(async () => {
    w = setup();
    value(await w.register.execute(ann));
    token = value(await w.signIn.execute({ ...ann, client: "unknown" })).token;
  });
  const later = (ms: number) => {
    w.clock.current = new Date(w.clock.now().getTime() + ms);
  };

  it("resolves a live token to its account and role", async () => {
    expect(await w.authenticator.authenticate(token)).toEqual({
      userId: 1,
      role: "user",
      sessionId: expect.any(Number),
    });
  });

  it("refuses unknown, empty and oversized tokens", async () => {
    for (const t of ["token-999", "", "x".repeat(10_000)])
      expect(await w.authenticator.authenticate(t)).toBeNull();
  });

  it("expires a session left unused for its lifetime", async () => {
    later(TTL_DAYS * DAY_MS);
    expect(await w.authenticator.authenticate(token)).toBeNull();
  });

  it("slides: a session used within its lifetime lives on a full lifetime from that use", async () => {
    later(20 * DAY_MS);
    expect(await w.authenticator.authenticate(token)).not.toBeNull();
    later(20 * DAY_MS); // 40 days after sign-in, 20 after the last use
    expect(await w.authenticator.authenticate(token)).not.toBeNull();
    later(TTL_DAYS * DAY_MS);
    expect(await w.authenticator.authenticate(token)).toBeNull();
  });

  it("does not write on every request: the end moves only once it lags by a day", async () => {
    const stored = () => w.sessions.rows.get(w.tokens.digest(token))?.expiresAt.getTime();
    const first = stored();
    later(DAY_MS / 2);
    await w.authenticator.authenticate(token);
    expect(stored()).toBe(first);
    later(DAY_MS / 2);
    await w.authenticator.authenticate(token);
    expect(stored()).toBe(w.clock.now().getTime() + TTL_DAYS * DAY_MS);
  });

  it("ends a session SESSION_MAX_DAYS after sign-in, however often it is used", async () => {
    const signedInAt = w.clock.now().getTime();
    for (let day = 1; day < MAX_DAYS; day++) {
      later(DAY_MS);
      expect(await w.authenticator.authenticate(token)).not.toBeNull();
    }
    later(DAY_MS - 1); // a millisecond before the absolute end
    expect(await w.authenticator.authenticate(token)).not.toBeNull();
    expect(w.sessions.rows.get(w.tokens.digest(token))?.expiresAt.getTime()).toBe(
      signedInAt + MAX_DAYS * DAY_MS,
    );
    later(1);
    expect(await w.authenticator.authenticate(token)).toBeNull();
  });

  it("never slides the end past the absolute one", async () => {
    const absoluteEnd = w.clock.now().getTime() + MAX_DAYS * DAY_MS;
    for (const days of [29, 29, 17]) {
      later(days * DAY_MS); // day 29, 58, then 75: now + 30 days would be past the absolute end
      expect(await w.authenticator.authenticate(token)).not.toBeNull();
    }
    const session = w.sessions.rows.get(w.tokens.digest(token));
    expect(session?.expiresAt.getTime()).toBe(absoluteEnd);
    expect(session?.absoluteExpiresAt.getTime()).toBe(absoluteEnd);
  });

  it("logout revokes only the session used; the account's other sessions keep working", async () => {
    const other = value(await w.signIn.execute({ ...ann, client: "unknown" })).token;
    value(await w.signOut.execute(token));
    expect(await w.authenticator.authenticate(token)).toBeNull();
    expect(await w.authenticator.authenticate(other)).toEqual({
      userId: 1,
      role: "user",
      sessionId: expect.any(Number),
    });
    later(DAY_MS * 2);
    expect(await w.authenticator.authenticate(token)).toBeNull();
  });

  it("shows an account to its owner", async () => {
    expect(value(await w.queries.info(1))).toMatchObject({ email: "ann.example@example.com" });
    expect(await w.queries.info(999)).toMatchObject({ error: { kind: "not_found" } });
  });
});

describe("admin:create", () => {
  let w: World;
  beforeEach(() => {
    w = setup();
  });
  const admin = { email: " Root@Example.com", password: "admin-passw0rd" };

  it("creates an admin once, then says it exists and changes nothing", async () => {
    expect(value(await w.createAdmin.execute(admin))).toMatchObject({
      status: "created",
      email: "root@example.com",
    });
    const again = value(await w.createAdmin.execute({ ...admin, password: "another-passw0rd" }));
    expect(again.status).toBe("exists");
    expect(w.uow.state.users).toHaveLength(1);
    expect(w.uow.state.users[0]).toMatchObject({ role: "admin", passwordHash: "hashed:admin-passw0rd" });
  });

  it("never promotes an existing non-admin account", async () => {
    value(await w.register.execute({ ...ann, email: "root@example.com" }));
    expect(await w.createAdmin.execute(admin)).toMatchObject({ ok: false, error: { kind: "conflict" } });
    expect(w.uow.state.users[0]?.role).toBe("user");
  });

  it("refuses a short password and a common one", async () => {
    expect(await w.createAdmin.execute({ ...admin, password: "short" })).toMatchObject({
      error: { kind: "validation" },
    });
    expect(await w.createAdmin.execute({ ...admin, password: "12345678" })).toMatchObject({
      error: { kind: "validation", errors: [{ path: "password" }] },
    });
    expect(w.uow.state.users).toHaveLength(0);
  });
});
