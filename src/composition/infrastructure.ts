import { ContainerModule } from "inversify";
import type { Redis } from "ioredis";
import type { DatabasePool } from "slonik";
import { LocalMediaStore } from "../adapters/media/local-media-store.js";
import { PgHealthCheck } from "../adapters/postgres/health.pg.js";
import { createPgPool } from "../adapters/postgres/pool.js";
import { PgUnitOfWork } from "../adapters/postgres/unit-of-work.pg.js";
import { createRedis } from "../adapters/redis/client.js";
import { RedisHealthCheck } from "../adapters/redis/health.redis.js";
import { RediSearchDoctorIndex } from "../adapters/search/doctor-search.redisearch.js";
import { createSearchRedis, SearchProbeHealthCheck } from "../adapters/search/search-redis.js";
import { SystemClock } from "../adapters/system/clock.system.js";
import { CryptoRandomness } from "../adapters/system/randomness.crypto.js";
import { CacheInvalidatingUnitOfWork } from "../application/commands/cache-invalidating-unit-of-work.js";
import type { Config } from "../config.js";
import { CACHE } from "../ports/cache.js";
import { CLOCK, type Clock } from "../ports/clock.js";
import { HEALTH_CHECKS, type HealthCheck } from "../ports/health.js";
import type { Logger } from "../ports/logger.js";
import type { MediaStore } from "../ports/media-store.js";
import { RANDOMNESS, type Randomness } from "../ports/randomness.js";
import { SESSION_REVOCATIONS } from "../ports/session.store.js";
import { UNIT_OF_WORK, type UnitOfWork } from "../ports/unit-of-work.js";

export const PG_POOL = Symbol.for("doctorly.PgPool");
export const REDIS = Symbol.for("doctorly.Redis");

/** The connections and stores a runtime opens at start and closes at the end. */
export interface Infrastructure {
  readonly pool: DatabasePool;
  readonly redis: Redis;
  readonly searchIndex: RediSearchDoctorIndex;
  /**
   * The connection on which the in-process caches (near cache, sessions, search answers) hear invalidations (a
   * subscribed connection takes no commands); null when none of them is on.
   */
  readonly invalidations: Redis | null;
  readonly media: MediaStore;
  close(): Promise<void>;
}

/** The near cache (read cache entries answered from memory) is on. */
export const nearCacheOn = (config: Config): boolean => config.CACHE_ENABLED && config.CACHE_LOCAL_TTL_MS > 0;

export async function openInfrastructure(config: Config, logger: Logger): Promise<Infrastructure> {
  const pool = await createPgPool({
    databaseUrl: config.DATABASE_URL,
    maximumPoolSize: config.DATABASE_POOL_SIZE,
  });
  const redis = createRedis(config.REDIS_URL, "app");
  redis.on("error", (error) => logger.warn({ err: error.message }, "redis connection error"));
  const searchRedis = createSearchRedis(config.REDIS_URL);
  searchRedis.on("error", (error) => logger.warn({ err: error.message }, "search redis connection error"));
  const searchIndex = new RediSearchDoctorIndex(searchRedis, config.SEARCH_INDEX, {
    keyPrefix: "doctor:",
    queryTimeoutMs: config.SEARCH_TIMEOUT_MS,
  });
  const invalidations =
    nearCacheOn(config) || config.SESSION_CACHE_TTL_MS > 0
      ? createRedis(config.REDIS_URL, "invalidations")
      : null;
  invalidations?.on("error", (error) => logger.warn({ err: error.message }, "redis connection error"));
  const media = await LocalMediaStore.open(config.UPLOAD_DIR);
  return {
    pool,
    redis,
    searchIndex,
    invalidations,
    media,
    async close() {
      await invalidations?.quit().catch(() => invalidations.disconnect());
      await redis.quit().catch(() => redis.disconnect());
      await searchRedis.quit().catch(() => searchRedis.disconnect());
      await pool.end();
    },
  };
}

/** What every feature shares: the connections, the clock, randomness, the unit of work and the health checks. */
export const infrastructureModule = (infra: Infrastructure) =>
  new ContainerModule(({ bind }) => {
    bind<DatabasePool>(PG_POOL).toConstantValue(infra.pool);
    bind<Redis>(REDIS).toConstantValue(infra.redis);
    bind<Clock>(CLOCK).toConstantValue(new SystemClock());
    bind<Randomness>(RANDOMNESS).toConstantValue(new CryptoRandomness());
    bind<UnitOfWork>(UNIT_OF_WORK).toDynamicValue(
      (ctx) =>
        new CacheInvalidatingUnitOfWork(
          new PgUnitOfWork(infra.pool),
          ctx.get(CACHE),
          ctx.get(SESSION_REVOCATIONS),
        ),
    );
    bind<readonly HealthCheck[]>(HEALTH_CHECKS).toConstantValue([
      new PgHealthCheck(infra.pool),
      new RedisHealthCheck(infra.redis),
      new SearchProbeHealthCheck(infra.searchIndex),
    ]);
  });
