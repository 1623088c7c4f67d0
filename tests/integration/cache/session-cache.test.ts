import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import type { RedisConnection } from "../../../src/adapters/redis/client.js";
import { CachedSessionStore } from "../../../src/adapters/redis/session-cache.js";
import type { SessionStore, StoredSession } from "../../../src/ports/session.store.js";
import { eventually } from "../../support/eventually.js";
import { roleRedis } from "../../support/test-redis.js";

const logger = createLogger("silent");
const DAY = 86_400_000;

/** The sessions table as both processes see it, counting the lookups that reach it. */
function sharedTable() {
  const rows = new Map<string, StoredSession>();
  let lookups = 0;
  const live = (s: StoredSession, at: Date) => s.revokedAt === null && s.expiresAt > at;
  const store: SessionStore = {
    async create(s) {
      rows.set(s.tokenDigest, {
        id: rows.size + 1,
        userId: s.userId,
        role: "user",
        expiresAt: s.expiresAt,
        absoluteExpiresAt: s.absoluteExpiresAt,
        revokedAt: null,
        lastUsedAt: new Date(0),
      });
    },
    async find(d) {
      return rows.get(d) ?? null;
    },
    async use(d) {
      lookups++;
      return rows.get(d) ?? null;
    },
    async listLive(userId, at) {
      return [...rows.values()]
        .filter((s) => s.userId === userId && live(s, at))
        .map((s) => ({ id: s.id, createdAt: at, lastUsedAt: s.lastUsedAt, expiresAt: s.expiresAt }));
    },
    async revokeById(userId, id, at) {
      const found = [...rows.entries()].find(([, s]) => s.id === id && s.userId === userId && live(s, at));
      if (found) rows.set(found[0], { ...found[1], revokedAt: at });
      return found !== undefined;
    },
    async revokeAll(userId, at, except) {
      let n = 0;
      for (const [d, s] of rows)
        if (s.userId === userId && s.id !== except && live(s, at)) {
          rows.set(d, { ...s, revokedAt: at });
          n++;
        }
      return n;
    },
    async extend() {},
    async revoke(d, at) {
      const s = rows.get(d);
      if (s && s.revokedAt === null) rows.set(d, { ...s, revokedAt: at });
    },
  };
  return { store, lookups: () => lookups };
}

describe("session cache over real Redis: two API processes", () => {
  const connections: RedisConnection[] = [];
  const table = sharedTable();
  const apiProcess = async () => {
    const [commands, invalidations] = [await roleRedis("cache", "test"), await roleRedis("cache", "test")];
    connections.push(commands, invalidations);
    return new CachedSessionStore(table.store, commands, invalidations, logger, { ttlMs: 60_000 });
  };
  let a: CachedSessionStore;
  let b: CachedSessionStore;
  const now = new Date();
  const session = (digest: string, userId: number) =>
    table.store.create({
      tokenDigest: digest,
      userId,
      expiresAt: new Date(now.getTime() + DAY),
      absoluteExpiresAt: new Date(now.getTime() + 2 * DAY),
    });

  beforeAll(async () => {
    a = await apiProcess();
    b = await apiProcess();
    expect(await eventually(async () => a.listening && b.listening, 5_000, 20)).toBe(true);
  });
  afterAll(() => {
    for (const c of connections) c.disconnect();
  });

  it("answers repeated lookups from memory", async () => {
    await session("d1", 1);
    const before = table.lookups();
    for (let i = 0; i < 5; i++) expect((await b.use("d1", now))?.userId).toBe(1);
    expect(table.lookups() - before).toBe(1);
  });

  it("a sign-out in one process is forgotten by the other", async () => {
    await session("d2", 2);
    expect((await b.use("d2", now))?.revokedAt).toBeNull();
    await a.revoke("d2", now);
    expect(await eventually(async () => (await b.use("d2", now))?.revokedAt !== null, 2_000, 5)).toBe(true);
  });

  it("revoking every session of an account (password change, erasure) reaches the other process", async () => {
    await session("d3", 3);
    await session("d4", 3);
    await b.use("d3", now);
    await b.use("d4", now);
    await table.store.revokeAll(3, now);
    // Announced after the table changed, as the unit of work does once the transaction has committed.
    await a.revoked({ userIds: [3] });
    expect(
      await eventually(
        async () =>
          (await b.use("d3", now))?.revokedAt !== null && (await b.use("d4", now))?.revokedAt !== null,
        2_000,
        5,
      ),
    ).toBe(true);
  });

  it("stops answering from memory while its subscription is down", async () => {
    await session("d5", 5);
    await b.use("d5", now);
    const subscriber = connections[3] as RedisConnection;
    subscriber.disconnect(true);
    expect(await eventually(async () => !b.listening, 2_000, 5)).toBe(true);
    await table.store.revoke("d5", now);
    expect((await b.use("d5", now))?.revokedAt).not.toBeNull();
    expect(await eventually(async () => b.listening, 5_000, 20)).toBe(true);
  });
});
