import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Argon2PasswordHasher } from "../../../src/adapters/auth/argon2.password-hasher.js";
import { OsloSessionTokens } from "../../../src/adapters/auth/session-tokens.oslo.js";
import { createLogger } from "../../../src/adapters/logging/pino.js";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { PgSessionPurger, PgSessionStore } from "../../../src/adapters/postgres/session.store.pg.js";
import { PgUserRepository } from "../../../src/adapters/postgres/user.repository.pg.js";
import { createRedis } from "../../../src/adapters/redis/client.js";
import { RedisFailureLimiter } from "../../../src/adapters/redis/failure-limiter.redis.js";
import type { FailureLimiter } from "../../../src/ports/rate-limiter.js";
import type { SessionPurger, SessionStore } from "../../../src/ports/session.store.js";
import { FakeFailureLimiter, FakeSessionStore, RecordingLogger } from "../../support/account-fakes.js";
import { TEST_DATABASE_URL, TEST_REDIS_URL } from "../../support/env.js";

const WINDOW_SECONDS = 2;
const MAX = 2;
const silent = createLogger("silent");

/** One contract, run against the fake and the real limiter, so that the fake stays honest. */
function limiterContract(name: string, make: () => FailureLimiter, wait: (ms: number) => Promise<void>) {
  describe(`${name} failure limiter`, () => {
    it("blocks a key once it has the maximum failures in a window, for the rest of the window", async () => {
      const limiter = make();
      const key = `email:${randomUUID()}`;
      expect(await limiter.blockedFor([key])).toBe(0);
      await limiter.recordFailure([key]);
      expect(await limiter.blockedFor([key])).toBe(0);
      await limiter.recordFailure([key]);
      const blocked = await limiter.blockedFor([key, `address:${randomUUID()}`]);
      expect(blocked).toBeGreaterThanOrEqual(1);
      expect(blocked).toBeLessThanOrEqual(WINDOW_SECONDS);
      await wait(WINDOW_SECONDS * 1000 + 50);
      expect(await limiter.blockedFor([key])).toBe(0);
    });

    it("counts keys separately and forgets a reset key", async () => {
      const limiter = make();
      const [a, b] = [`email:${randomUUID()}`, `address:${randomUUID()}`];
      await limiter.recordFailure([a, b]);
      await limiter.recordFailure([a, b]);
      await limiter.reset(a);
      expect(await limiter.blockedFor([a])).toBe(0);
      expect(await limiter.blockedFor([b])).toBeGreaterThan(0);
    });
  });
}

let fakeNow = Date.now();
limiterContract(
  "in-memory",
  () => new FakeFailureLimiter({ now: () => new Date(fakeNow) }, MAX, WINDOW_SECONDS),
  async (ms) => {
    fakeNow += ms;
  },
);

let redis: Redis;
beforeAll(() => {
  redis = createRedis(TEST_REDIS_URL, "test-limiter");
});
afterAll(async () => {
  await redis.quit();
});
limiterContract(
  "Redis",
  () =>
    new RedisFailureLimiter(
      redis,
      { prefix: "doctorly:test:login-failures:", maxFailures: MAX, windowSeconds: WINDOW_SECONDS },
      silent,
    ),
  (ms) => new Promise((r) => setTimeout(r, ms)),
);

describe("Redis failure limiter without Redis", () => {
  it("fails open quickly and says so in the log", async () => {
    const dead = createRedis("redis://127.0.0.1:1", "test-dead");
    dead.on("error", () => undefined);
    const logger = new RecordingLogger();
    const limiter = new RedisFailureLimiter(
      dead,
      { prefix: "x:", maxFailures: 1, windowSeconds: 60 },
      logger,
    );
    const started = Date.now();
    await limiter.recordFailure(["email:a"]);
    expect(await limiter.blockedFor(["email:a"])).toBe(0);
    await limiter.reset("email:a");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(logger.lines.length).toBe(3);
    dead.disconnect();
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
    const inDays = (d: number) => new Date(Math.floor(Date.now() / 1000) * 1000 + d * 86_400_000);
    const ends = (expires: number, absolute = 90) => ({
      expiresAt: inDays(expires),
      absoluteExpiresAt: inDays(absolute),
    });

    it("finds a session by digest with its account's role and both ends", async () => {
      const { store, userId } = await make();
      const d = digest();
      await store.create({ tokenDigest: d, userId, ...ends(30) });
      expect(await store.find(d)).toEqual({ userId, role: "user", ...ends(30), revokedAt: null });
      expect(await store.find(digest())).toBeNull();
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
      expect(await purger.purgeEnded(inDays(0))).toBeGreaterThanOrEqual(5);
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

sessionStoreContract("in-memory", async () => {
  const store = new FakeSessionStore();
  return { store, purger: store, userId: 1 };
});
sessionStoreContract("Postgres", async () => {
  const user = await new PgUserRepository(pool).add({
    name: "Contract",
    email: `contract-${randomUUID()}@example.test`,
    role: "user",
    passwordHash: "not-a-real-hash",
  });
  // A batch of 2 makes the purge of 5 ended sessions take several rounds.
  return { store: new PgSessionStore(pool), purger: new PgSessionPurger(pool, 2), userId: user.id };
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
