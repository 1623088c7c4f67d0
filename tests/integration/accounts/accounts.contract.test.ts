import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { Argon2PasswordHasher } from "../../../src/adapters/auth/argon2.password-hasher.js";
import { OsloSessionTokens } from "../../../src/adapters/auth/session-tokens.oslo.js";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { PgSessionPurger, PgSessionStore } from "../../../src/adapters/postgres/session.store.pg.js";
import { PgUserRepository } from "../../../src/adapters/postgres/user.repository.pg.js";
import {
  MemoryAttemptLimiter,
  RedisAttemptLimiter,
} from "../../../src/adapters/redis/attempt-limiter.redis.js";
import { createRedis } from "../../../src/adapters/redis/client.js";
import { purgeInBatches } from "../../../src/application/maintenance/purges.js";
import type { SessionPurger, SessionStore } from "../../../src/ports/session.store.js";
import { TEST_DATABASE_URL } from "../../support/env.js";
import { FakeAttemptLimiter, FakeSessionStore, RecordingLogger } from "../../support/fakes/accounts.js";
import { LIMITER_MAX, LIMITER_WINDOW_SECONDS, limiterContract } from "../../support/limiter-contract.js";
import { freePort } from "../../support/processes.js";
import { DisposableRedisSearch } from "../../support/redis-search-server.js";

const WINDOW_SECONDS = LIMITER_WINDOW_SECONDS;
const MAX = LIMITER_MAX;
const silent = createLogger("silent");

let fakeNow = Date.now();
limiterContract(
  "in-memory",
  () => new FakeAttemptLimiter({ now: () => new Date(fakeNow) }, MAX, WINDOW_SECONDS),
  async (ms) => {
    fakeNow += ms;
  },
);

const settings = { name: `test-${randomUUID()}`, attempts: MAX, windowSeconds: WINDOW_SECONDS };
limiterContract(
  "process memory",
  () => new MemoryAttemptLimiter(settings),
  (ms) => new Promise((r) => setTimeout(r, ms)),
);

describe("Redis attempt limiter when Redis cannot count", () => {
  it("never fails open: without Redis each process counts in memory, quickly, and says so once", async () => {
    const dead = createRedis("redis://127.0.0.1:1", "test-dead");
    dead.on("error", () => undefined);
    const logger = new RecordingLogger();
    const limiter = new RedisAttemptLimiter(dead, { name: "dead", attempts: 2, windowSeconds: 60 }, logger);
    const started = Date.now();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await limiter.take("pair:a")).allowed);
    expect(answers).toEqual([true, true, false, false, false]);
    await limiter.clear("pair:a");
    expect((await limiter.take("pair:a")).allowed).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(logger.lines).toHaveLength(1);
    dead.disconnect();
  });

  it("counts in memory while Redis is too slow to answer, and in Redis again once it answers", async () => {
    const server = new DisposableRedisSearch(await freePort());
    await server.start();
    const client = createRedis(server.url, "test-slow");
    const blocker = createRedis(server.url, "test-blocker");
    const ready = (r: Redis) =>
      r.status === "ready" ? Promise.resolve() : new Promise((resolve) => r.once("ready", resolve));
    await Promise.all([ready(client), ready(blocker)]);
    try {
      const limiter = new RedisAttemptLimiter(
        client,
        { name: "slow", attempts: 2, windowSeconds: 60 },
        silent,
      );
      expect((await limiter.take("k")).allowed).toBe(true);
      // A script that keeps the single Redis thread busy for 1.5 s: every command waits behind it.
      const busy = blocker.eval(
        "local s = redis.call('TIME') repeat local n = redis.call('TIME') until (n[1] - s[1]) * 1000000 + (n[2] - s[2]) > 1500000 return 1",
        0,
      );
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      const whileSlow = [];
      for (let i = 0; i < 3; i++) whileSlow.push((await limiter.take("k")).allowed);
      // In memory, this process has seen none of the Redis attempts: 2 allowed, then refused.
      expect(whileSlow).toEqual([true, true, false]);
      expect(Date.now() - started).toBeLessThan(1_200);
      await busy;
      // Redis answers again: its own count goes on (1 before, plus what reached it after the timeouts).
      expect((await limiter.take("k")).allowed).toBe(false);
    } finally {
      client.disconnect();
      blocker.disconnect();
      await server.stop();
    }
  });
});

interface SessionStoreUnderTest {
  readonly store: SessionStore;
  readonly purger: SessionPurger;
  readonly userId: number;
}

function sessionStoreContract(name: string, make: () => Promise<SessionStoreUnderTest>) {
  describe(`${name} session store`, () => {
    const digest = () => new OsloSessionTokens().digest(randomUUID());
    // One whole second for every instant of a test: read anew per call, a second could tick between two.
    let base = 0;
    beforeEach(() => {
      base = Math.floor(Date.now() / 1000) * 1000;
    });
    const inDays = (d: number) => new Date(base + d * 86_400_000);
    const ends = (expires: number, absolute = 90) => ({
      expiresAt: inDays(expires),
      absoluteExpiresAt: inDays(absolute),
    });

    it("finds a session by digest with its account's role and both ends", async () => {
      const { store, userId } = await make();
      const d = digest();
      await store.create({ tokenDigest: d, userId, ...ends(30) });
      expect(await store.find(d)).toEqual({
        id: expect.any(Number),
        userId,
        role: "user",
        ...ends(30),
        revokedAt: null,
        lastUsedAt: expect.any(Date),
      });
      expect(await store.find(digest())).toBeNull();
    });

    it("records a use at most once a minute, and never on a revoked or expired session", async () => {
      const { store, userId } = await make();
      const d = digest();
      const before = Date.now() - 1;
      await store.create({ tokenDigest: d, userId, ...ends(30) });
      const opened = (await store.find(d))?.lastUsedAt.getTime() ?? 0;
      // A new session counts as used when it was opened.
      expect(opened).toBeGreaterThanOrEqual(before - 1_000);
      const at = (minutes: number) => new Date(opened + minutes * 60_000);
      // The answer is the session as it was before this use.
      expect(await store.use(d, at(0.5))).toMatchObject({ userId, lastUsedAt: new Date(opened) });
      expect((await store.find(d))?.lastUsedAt).toEqual(new Date(opened));
      expect(await store.use(d, at(2))).toMatchObject({ lastUsedAt: new Date(opened) });
      expect((await store.find(d))?.lastUsedAt).toEqual(at(2));
      await store.use(d, at(2.5));
      expect((await store.find(d))?.lastUsedAt).toEqual(at(2));
      await store.revoke(d, at(3));
      await store.use(d, at(10));
      expect((await store.find(d))?.lastUsedAt).toEqual(at(2));
      expect(await store.use(digest(), at(10))).toBeNull();

      const expired = digest();
      await store.create({ tokenDigest: expired, userId, ...ends(-1, 60) });
      const was = (await store.find(expired))?.lastUsedAt;
      await store.use(expired, at(10));
      expect((await store.find(expired))?.lastUsedAt).toEqual(was);
    });

    it("lists an account's live sessions newest first, and revokes one or all of them", async () => {
      const { store, userId } = await make();
      const { store: other, userId: otherId } = await make();
      const now = new Date();
      const [a, b, c, revoked, expired] = [digest(), digest(), digest(), digest(), digest()];
      for (const d of [a, b, c, revoked]) await store.create({ tokenDigest: d, userId, ...ends(30) });
      await store.create({ tokenDigest: expired, userId, ...ends(-1, 60) });
      await store.revoke(revoked, now);
      const theirs = digest();
      await other.create({ tokenDigest: theirs, userId: otherId, ...ends(30) });
      const idOf = async (d: string) => (await store.find(d))?.id as number;

      const listed = await store.listLive(userId, now);
      expect(listed.map((s) => s.id)).toEqual([await idOf(c), await idOf(b), await idOf(a)]);
      expect(listed[0]).toEqual({
        id: await idOf(c),
        createdAt: expect.any(Date),
        lastUsedAt: expect.any(Date),
        expiresAt: inDays(30),
      });
      expect(Object.keys(listed[0] ?? {}).sort()).toEqual(["createdAt", "expiresAt", "id", "lastUsedAt"]);

      // Another account's session, an unknown id and an ended session are not the account's to revoke.
      expect(await store.revokeById(userId, (await other.find(theirs))?.id as number, now)).toBe(false);
      expect(await store.revokeById(userId, 2_000_000_000, now)).toBe(false);
      expect(await store.revokeById(userId, await idOf(revoked), now)).toBe(false);
      expect(await store.revokeById(userId, await idOf(a), now)).toBe(true);
      expect(await store.find(a)).toMatchObject({ revokedAt: now });
      expect(await other.find(theirs)).toMatchObject({ revokedAt: null });

      // All but one, then all.
      expect(await store.revokeAll(userId, now, await idOf(c))).toBe(1);
      expect((await store.listLive(userId, now)).map((s) => s.id)).toEqual([await idOf(c)]);
      expect(await store.revokeAll(userId, now)).toBe(1);
      expect(await store.listLive(userId, now)).toEqual([]);
      expect(await other.find(theirs)).toMatchObject({ revokedAt: null });
    });

    it("extends forward only, and never a revoked session; revoking twice keeps the first time", async () => {
      const { store, userId } = await make();
      const d = digest();
      await store.create({ tokenDigest: d, userId, ...ends(30) });
      await store.extend(d, inDays(10));
      expect((await store.find(d))?.expiresAt).toEqual(inDays(30));
      await store.extend(d, inDays(31));
      expect((await store.find(d))?.expiresAt).toEqual(inDays(31));
      await store.revoke(d, inDays(0));
      await store.revoke(d, inDays(1));
      await store.extend(d, inDays(40));
      expect(await store.find(d)).toMatchObject({ expiresAt: inDays(31), revokedAt: inDays(0) });
    });

    it("never extends a session past its absolute end", async () => {
      const { store, userId } = await make();
      const d = digest();
      await store.create({ tokenDigest: d, userId, ...ends(30, 35) });
      await store.extend(d, inDays(60));
      expect(await store.find(d)).toMatchObject(ends(35, 35));
    });

    it("purges expired and revoked sessions, in batches, and keeps the live ones", async () => {
      const { store, purger, userId } = await make();
      const live = [digest(), digest(), digest()];
      for (const d of live) await store.create({ tokenDigest: d, userId, ...ends(30) });
      const idle = [digest(), digest()];
      for (const d of idle) await store.create({ tokenDigest: d, userId, ...ends(-1, 60) });
      // Used to the end: the sliding end reached the absolute one, an hour ago.
      const pastAbsolute = digest();
      await store.create({ tokenDigest: pastAbsolute, userId, ...ends(-1 / 24, -1 / 24) });
      const revoked = [digest(), digest()];
      for (const d of revoked) {
        await store.create({ tokenDigest: d, userId, ...ends(30) });
        await store.revoke(d, inDays(0));
      }

      // Other suites may leave ended sessions of their own in a shared database.
      // A batch of 2 makes the purge of 5 ended sessions take several rounds.
      expect(await purgeInBatches((limit) => purger.purgeEnded(inDays(0), limit), 2)).toBeGreaterThanOrEqual(
        5,
      );
      for (const d of [...idle, pastAbsolute, ...revoked]) expect(await store.find(d)).toBeNull();
      for (const d of live) expect(await store.find(d)).toMatchObject({ userId, revokedAt: null });
    });
  });
}

let pool: DatabasePool;
beforeAll(async () => {
  pool = await createPgPool({ databaseUrl: TEST_DATABASE_URL, maximumPoolSize: 2 });
});
afterAll(async () => {
  await pool.end();
});

// One store for every account, as the table: session ids are unique across accounts.
const fakeSessions = new FakeSessionStore();
let fakeUserId = 0;
sessionStoreContract("in-memory", async () => ({
  store: fakeSessions,
  purger: fakeSessions,
  userId: ++fakeUserId,
}));
sessionStoreContract("Postgres", async () => {
  const user = await new PgUserRepository(pool).add({
    name: "Contract",
    email: `contract-${randomUUID()}@example.test`,
    role: "user",
    passwordHash: "not-a-real-hash",
  });
  return { store: new PgSessionStore(pool), purger: new PgSessionPurger(pool), userId: user.id };
});

describe("Postgres session purge", () => {
  it("filters on indexed columns: no sequential scan of the sessions table", async () => {
    const plan = await pool.transaction(async (tx) => {
      await tx.query(sql.unsafe`SET LOCAL enable_seqscan = off`);
      return tx.anyFirst(sql.type(z.object({ "QUERY PLAN": z.string() }))`
        EXPLAIN SELECT ctid FROM sessions WHERE expires_at <= now() OR revoked_at IS NOT NULL LIMIT 1000
      `);
    });
    expect(plan.join("\n")).not.toMatch(/Seq Scan/);
    expect(plan.join("\n")).toMatch(/sessions_expires_at_idx/);
    expect(plan.join("\n")).toMatch(/sessions_revoked_idx/);
  });
});

describe("Argon2id password hasher", () => {
  it("hashes with Argon2id and a fresh salt, and verifies only the right password", async () => {
    const hasher = new Argon2PasswordHasher();
    const [a, b] = [await hasher.hash("s3cret-passw0rd"), await hasher.hash("s3cret-passw0rd")];
    expect(a).toMatch(/^\$argon2id\$/);
    expect(a).not.toBe(b);
    expect(await hasher.verify(a, "s3cret-passw0rd")).toBe(true);
    expect(await hasher.verify(a, "s3cret-passw0rd ")).toBe(false);
    expect(await hasher.verify("garbage", "s3cret-passw0rd")).toBe(false);
  });
});

describe("session tokens", () => {
  it("are 200-bit random strings, digested as lower-case hex SHA-256", () => {
    const tokens = new OsloSessionTokens();
    const issued = new Set(Array.from({ length: 1000 }, () => tokens.issue()));
    expect(issued.size).toBe(1000);
    for (const t of issued) expect(t).toMatch(/^[a-z2-7]{40}$/);
    expect(tokens.digest("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
