import { beforeEach, describe, expect, it } from "vitest";
import { ChangePassword } from "../../../src/application/commands/accounts/change-password.js";
import {
  RevokeSession,
  SignOutEverywhere,
} from "../../../src/application/commands/accounts/manage-sessions.js";
import { MarkNotificationsRead } from "../../../src/application/commands/accounts/mark-notifications-read.js";
import { RegisterUser } from "../../../src/application/commands/accounts/register-user.js";
import { SignIn } from "../../../src/application/commands/accounts/sign-in.js";
import { SessionAuthenticator } from "../../../src/application/queries/accounts/authenticate.js";
import { SessionQueries } from "../../../src/application/queries/accounts/session.queries.js";
import type { Result } from "../../../src/domain/shared/result.js";
import type { Principal } from "../../../src/domain/user/principal.js";
import { DAY_MS } from "../../../src/domain/user/session.js";
import type { UserRepository } from "../../../src/ports/user.repository.js";
import {
  FakeAttemptLimiter,
  FakeCommonPasswords,
  FakeHasher,
  FakeTokens,
  RecordingLogger,
} from "../../support/fakes/accounts.js";
import { FakeUnitOfWork, FixedClock } from "../../support/fakes/unit-of-work.js";

const MAX_FAILURES = 3;
const WINDOW_SECONDS = 60;

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function setup() {
  const clock = new FixedClock(new Date("2026-12-01T09:00:00Z"));
  const uow = new FakeUnitOfWork(clock);
  const hasher = new FakeHasher();
  const commonPasswords = new FakeCommonPasswords();
  const tokens = new FakeTokens();
  const sessions = uow.sessions;
  const limits = {
    pair: new FakeAttemptLimiter(clock, MAX_FAILURES, WINDOW_SECONDS),
    client: new FakeAttemptLimiter(clock, 100, 86_400),
  };
  const logger = new RecordingLogger();
  // Reads outside a transaction, as the Postgres repository on the pool.
  const users: UserRepository = {
    add: async () => {
      throw new Error("reads only");
    },
    byId: async (id) => uow.state.users.find((u) => u.id === id) ?? null,
    credentialsByEmail: async (email) => uow.state.users.find((u) => u.email === email) ?? null,
    credentialsById: async (id) => uow.state.users.find((u) => u.id === id) ?? null,
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
  const lifetime = { idleMs: 30 * DAY_MS, maxMs: 90 * DAY_MS };
  const authenticator = new SessionAuthenticator(sessions, tokens, clock, lifetime.idleMs);
  return {
    clock,
    uow,
    hasher,
    sessions,
    limits,
    logger,
    authenticator,
    register: new RegisterUser(uow, hasher, commonPasswords),
    signIn: new SignIn({
      users,
      hasher,
      sessions,
      tokens,
      limits,
      logger,
      clock,
      settings: { sessionLifetime: lifetime },
    }),
    changePassword: new ChangePassword({ uow, users, hasher, commonPasswords, limits, logger, clock }),
    list: new SessionQueries(sessions, clock),
    revoke: new RevokeSession(sessions, clock),
    everywhere: new SignOutEverywhere(sessions, clock),
  };
}

type World = ReturnType<typeof setup>;
const ann = { name: "Ann Example", email: "ann@example.com", password: "s3cret-passw0rd" };
const bob = { name: "Bob Example", email: "bob@example.com", password: "another-passw0rd" };
const CLIENT = "10.0.0.1";

describe("changing the password", () => {
  let w: World;
  let phone: string;
  let laptop: string;
  let caller: Principal;
  beforeEach(async () => {
    w = setup();
    value(await w.register.execute(ann));
    phone = value(await w.signIn.execute({ ...ann, client: CLIENT })).token;
    laptop = value(await w.signIn.execute({ ...ann, client: CLIENT })).token;
    caller = (await w.authenticator.authenticate(phone)) as Principal;
  });
  const change = (currentPassword: string, newPassword = "a brand new passphrase", client = CLIENT) =>
    w.changePassword.execute(caller, { currentPassword, newPassword, client });

  it("replaces the password: the old one no longer signs in, the new one does", async () => {
    value(await change(ann.password));
    expect(await w.signIn.execute({ ...ann, client: CLIENT })).toMatchObject({
      error: { code: "invalid_credentials" },
    });
    expect((await w.signIn.execute({ ...ann, password: "a brand new passphrase", client: CLIENT })).ok).toBe(
      true,
    );
    expect(w.uow.state.users[0]?.passwordHash).toBe("hashed:a brand new passphrase");
  });

  it("revokes every other session of the account and keeps the caller's", async () => {
    value(await change(ann.password));
    expect(await w.authenticator.authenticate(laptop)).toBeNull();
    expect(await w.authenticator.authenticate(phone)).toMatchObject({ userId: caller.userId });
  });

  it("leaves other accounts' sessions alone", async () => {
    value(await w.register.execute(bob));
    const bobs = value(await w.signIn.execute({ ...bob, client: CLIENT })).token;
    value(await change(ann.password));
    expect(await w.authenticator.authenticate(bobs)).not.toBeNull();
  });

  it("answers a wrong current password 401 wrong_password and changes nothing", async () => {
    expect(await change("not my password")).toMatchObject({
      ok: false,
      error: { kind: "unauthenticated", code: "wrong_password" },
    });
    expect(w.uow.state.users[0]?.passwordHash).toBe(`hashed:${ann.password}`);
    expect(await w.authenticator.authenticate(laptop)).not.toBeNull();
  });

  it("counts a wrong current password as a failed sign-in: the pair is then refused (429), sign-in too", async () => {
    for (let i = 0; i < MAX_FAILURES; i++) expect((await change("wrong")).ok).toBe(false);
    expect(await change(ann.password)).toMatchObject({
      error: { kind: "rate_limited", code: "too_many_attempts", retryAfter: WINDOW_SECONDS },
    });
    expect(await w.signIn.execute({ ...ann, client: CLIENT })).toMatchObject({
      error: { kind: "rate_limited" },
    });
    // Another client is not refused: the owner is never locked out by someone else's guesses.
    expect((await change(ann.password, undefined, "10.9.9.9")).ok).toBe(true);
  });

  it("a failed sign-in counts toward the change too, and a right current password clears the pair", async () => {
    for (let i = 0; i < MAX_FAILURES - 1; i++)
      await w.signIn.execute({ ...ann, password: "x", client: CLIENT });
    value(await change(ann.password));
    for (let i = 0; i < MAX_FAILURES - 1; i++) await change("wrong");
    // Two failures since the success: not refused yet.
    expect(await change("wrong")).toMatchObject({ error: { code: "wrong_password" } });
  });

  it.each([
    ["short", "must be 8 to 128 characters long"],
    ["x".repeat(129), "must be 8 to 128 characters long"],
    ["Password1", "too common"],
  ])(
    "refuses the new password %j with 400 naming new_password, before checking the current one",
    async (pw, message) => {
      const result = await change(ann.password, pw);
      expect(result).toMatchObject({
        ok: false,
        error: {
          kind: "validation",
          errors: [{ path: "new_password", message: expect.stringContaining(message) }],
        },
      });
      expect(w.hasher.verifications).toBe(2); // the two sign-ins of beforeEach only
      expect(await w.authenticator.authenticate(laptop)).not.toBeNull();
    },
  );

  it("never logs a password", async () => {
    await change("a wrong guess here");
    value(await change(ann.password, "a brand new passphrase"));
    const logged = JSON.stringify(w.logger.lines);
    for (const secret of ["a wrong guess here", ann.password, "a brand new passphrase"])
      expect(logged).not.toContain(secret);
  });
});

describe("the account's sessions", () => {
  let w: World;
  let first: string;
  let second: string;
  beforeEach(async () => {
    w = setup();
    value(await w.register.execute(ann));
    value(await w.register.execute(bob));
    first = value(await w.signIn.execute({ ...ann, client: CLIENT })).token;
    w.clock.current = new Date(w.clock.now().getTime() + 60_000);
    second = value(await w.signIn.execute({ ...ann, client: CLIENT })).token;
  });
  const principalOf = async (token: string) => (await w.authenticator.authenticate(token)) as Principal;
  const later = (ms: number) => {
    w.clock.current = new Date(w.clock.now().getTime() + ms);
  };

  it("lists the live sessions newest first, the caller's marked current, with no token or digest", async () => {
    const listed = await w.list.live(await principalOf(first));
    expect(listed.data.map((s) => s.current)).toEqual([false, true]);
    expect(listed.data[1]).toEqual({
      id: expect.any(Number),
      created_at: "2026-12-01T09:00:00.000Z",
      // Used again exactly a minute later: not more than a minute, so not written.
      last_used_at: "2026-12-01T09:00:00.000Z",
      expires_at: "2026-12-31T09:00:00.000Z",
      current: true,
    });
    expect(JSON.stringify(listed)).not.toMatch(/token|digest/);
  });

  it("records last use at most once a minute", async () => {
    const lastUsed = async () =>
      (await w.list.live(await principalOf(second))).data.find((s) => s.current)?.last_used_at;
    // Just opened: not written again within the minute.
    later(30_000);
    expect(await lastUsed()).toBe("2026-12-01T09:01:00.000Z");
    later(31_000);
    await principalOf(second);
    expect(await lastUsed()).toBe("2026-12-01T09:02:01.000Z");
  });

  it("leaves out revoked and expired sessions", async () => {
    const caller = await principalOf(second);
    value(await w.revoke.execute(caller, (await principalOf(first)).sessionId as number));
    expect((await w.list.live(caller)).data).toHaveLength(1);
    later(31 * DAY_MS);
    expect((await w.list.live(caller)).data).toEqual([]);
  });

  it("revokes one of the caller's sessions; the others keep working", async () => {
    const target = (await principalOf(first)).sessionId as number;
    value(await w.revoke.execute(await principalOf(second), target));
    expect(await w.authenticator.authenticate(first)).toBeNull();
    expect(await w.authenticator.authenticate(second)).not.toBeNull();
    // Revoked already: not a live session any more.
    expect(await w.revoke.execute(await principalOf(second), target)).toMatchObject({
      error: { kind: "not_found", code: "session_not_found" },
    });
  });

  it("answers another account's session and an unknown id 404 session_not_found, revoking nothing", async () => {
    const bobs = value(await w.signIn.execute({ ...bob, client: CLIENT })).token;
    const bobsId = (await principalOf(bobs)).sessionId as number;
    for (const id of [bobsId, 9999]) {
      expect(await w.revoke.execute(await principalOf(first), id)).toMatchObject({
        ok: false,
        error: { kind: "not_found", code: "session_not_found" },
      });
    }
    expect(await w.authenticator.authenticate(bobs)).not.toBeNull();
  });

  it("signs out everywhere: every session of the account, the caller's included; others' stay", async () => {
    const bobs = value(await w.signIn.execute({ ...bob, client: CLIENT })).token;
    value(await w.everywhere.execute(await principalOf(first)));
    expect(await w.authenticator.authenticate(first)).toBeNull();
    expect(await w.authenticator.authenticate(second)).toBeNull();
    expect(await w.authenticator.authenticate(bobs)).not.toBeNull();
  });
});

describe("marking notifications read", () => {
  it("asks for every notification without ids, each named id once otherwise, and answers what stays unread", async () => {
    const calls: { userId: number; ids: readonly number[] | null; at: Date }[] = [];
    const clock = new FixedClock(new Date("2026-12-01T09:00:00Z"));
    const mark = new MarkNotificationsRead(
      {
        markRead: async (userId, ids, at) => {
          calls.push({ userId, ids, at });
          return 4;
        },
      },
      clock,
    );
    const caller: Principal = { userId: 7, role: "user" };
    expect(value(await mark.execute(caller, undefined))).toEqual({ unread: 4 });
    expect(value(await mark.execute(caller, [3, 3, 5]))).toEqual({ unread: 4 });
    expect(calls).toEqual([
      { userId: 7, ids: null, at: clock.now() },
      { userId: 7, ids: [3, 5], at: clock.now() },
    ]);
  });
});
