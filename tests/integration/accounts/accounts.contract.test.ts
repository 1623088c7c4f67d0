import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { DatabasePool } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Argon2PasswordHasher } from "../../../src/adapters/auth/argon2.password-hasher.js";
import { OsloSessionTokens } from "../../../src/adapters/auth/session-tokens.oslo.js";
import { createLogger } from "../../../src/adapters/logging/pino.js";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { PgSessionStore } from "../../../src/adapters/postgres/session.store.pg.js";
import { PgUserRepository } from "../../../src/adapters/postgres/user.repository.pg.js";
import { createRedis } from "../../../src/adapters/redis/client.js";
import { RedisFailureLimiter } from "../../../src/adapters/redis/failure-limiter.redis.js";
import type { FailureLimiter } from "../../../src/ports/rate-limiter.js";
import type { SessionStore } from "../../../src/ports/session.store.js";
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

function sessionStoreContract(name: string, make: () => Promise<{ store: SessionStore; userId: number }>) {
  describe(`${name} session store`, () => {
    const digest = () => new OsloSessionTokens().digest(randomUUID());
    const inDays = (d: number) => new Date(Math.floor(Date.now() / 1000) * 1000 + d * 86_400_000);

    it("finds a session by digest with its account's role", async () => {
      const { store, userId } = await make();
      const d = digest();
      await store.create({ tokenDigest: d, userId, expiresAt: inDays(30) });
      expect(await store.find(d)).toEqual({ userId, role: "user", expiresAt: inDays(30), revokedAt: null });
      expect(await store.find(digest())).toBeNull();
    });

    it("extends forward only, and never a revoked session; revoking twice keeps the first time", async () => {
      const { store, userId } = await make();
      const d = digest();
      await store.create({ tokenDigest: d, userId, expiresAt: inDays(30) });
      await store.extend(d, inDays(10));
      expect((await store.find(d))?.expiresAt).toEqual(inDays(30));
      await store.extend(d, inDays(31));
      expect((await store.find(d))?.expiresAt).toEqual(inDays(31));
      await store.revoke(d, inDays(0));
      await store.revoke(d, inDays(1));
      await store.extend(d, inDays(40));
      expect(await store.find(d)).toMatchObject({ expiresAt: inDays(31), revokedAt: inDays(0) });
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

sessionStoreContract("in-memory", async () => ({ store: new FakeSessionStore(), userId: 1 }));
sessionStoreContract("Postgres", async () => {
  const user = await new PgUserRepository(pool).add({
    name: "Contract",
    email: `contract-${randomUUID()}@example.test`,
    role: "user",
    passwordHash: "not-a-real-hash",
  });
  return { store: new PgSessionStore(pool), userId: user.id };
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
