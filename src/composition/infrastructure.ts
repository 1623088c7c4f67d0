import { ContainerModule } from "inversify";
import type { DatabasePool } from "slonik";
import { LocalMediaStore } from "../adapters/media/media-store.fs.js";
import { PgHealthCheck } from "../adapters/postgres/health.pg.js";
import { createPgPool } from "../adapters/postgres/pool.js";
import { FencingUnitOfWork, type ReadPool, ReplicaReadRouter } from "../adapters/postgres/read-routing.pg.js";
import { PgUnitOfWork } from "../adapters/postgres/unit-of-work.pg.js";
import { connectRole, type RedisConnection } from "../adapters/redis/client.js";
import { RedisHealthCheck } from "../adapters/redis/health.redis.js";
import { RedisWriteFence } from "../adapters/redis/write-fence.redis.js";
import { RediSearchDoctorIndex } from "../adapters/search/doctor-search.redisearch.js";
import { createSearchRedis, SearchProbeHealthCheck } from "../adapters/search/search-redis.js";
import { SystemClock } from "../adapters/system/clock.system.js";
import { CryptoRandomness } from "../adapters/system/randomness.crypto.js";
import { CacheInvalidatingUnitOfWork } from "../application/commands/cache-invalidating-unit-of-work.js";
import { backendsOf, type Config, redisTargets } from "../config.js";
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
  /** The primary: writes, the booking transaction, sessions, and every read that must see its own writes. */
  readonly pool: DatabasePool;
  /** The lag-tolerant reads of the read model: the replica when it has caught up, else the primary. */
  readonly readPool: ReadPool;
  /** Raises the write fence after each commit; null without a replica. */
  readonly router: ReplicaReadRouter | null;
  readonly redis: RedisConnection;
  readonly searchIndex: RediSearchDoctorIndex;
  /**
   * The connection on which the in-process caches (near cache, sessions, search answers) hear invalidations (a
   * subscribed connection takes no commands); null when none of them is on.
   */
  readonly invalidations: RedisConnection | null;
  readonly media: MediaStore;
  /** One per backend, named and with its roles as /ready reports them. */
  readonly healthChecks: readonly HealthCheck[];
  close(): Promise<void>;
}

/** The near cache (read cache entries answered from memory) is on. */
export const nearCacheOn = (config: Config): boolean => config.CACHE_ENABLED && config.CACHE_LOCAL_TTL_MS > 0;

export async function openInfrastructure(config: Config, logger: Logger): Promise<Infrastructure> {
  const pool = await createPgPool({
    databaseUrl: config.DATABASE_URL,
    maximumPoolSize: config.DATABASE_POOL_SIZE,
  });
  // The cache and the attempt counters share one server (CACHE_REDIS_URL, by default REDIS_URL).
  const targets = redisTargets(config);
  const redis = connectRole(targets.cache, "app");
  redis.on("error", (error) => logger.warn({ err: error.message }, "redis connection error"));
  const searchRedis = createSearchRedis(config.SEARCH_REDIS_URL);
  searchRedis.on("error", (error) => logger.warn({ err: error.message }, "search redis connection error"));
  const searchIndex = new RediSearchDoctorIndex(searchRedis, config.SEARCH_INDEX, {
    keyPrefix: "doctor:",
    queryTimeoutMs: config.SEARCH_TIMEOUT_MS,
  });
  const invalidations =
    nearCacheOn(config) || config.SESSION_CACHE_TTL_MS > 0
      ? connectRole(targets.cache, "invalidations")
      : null;
  invalidations?.on("error", (error) => logger.warn({ err: error.message }, "redis connection error"));
  const replicaPool = config.DATABASE_READ_URL
    ? await createPgPool({
        databaseUrl: config.DATABASE_READ_URL,
        maximumPoolSize: config.DATABASE_POOL_SIZE,
      })
    : null;
  const router = replicaPool
    ? new ReplicaReadRouter(pool, replicaPool, new RedisWriteFence(redis), logger)
    : null;
  // /ready pings every Redis: over the connections already open, and one of its own for a queue server alone.
  const pings = new Map<string, RedisConnection>([
    [config.CACHE_REDIS_URL, redis],
    [config.SEARCH_REDIS_URL, searchRedis],
  ]);
  const queueProbe = pings.has(config.QUEUE_REDIS_URL) ? null : connectRole(targets.queue, "queue-probe");
  queueProbe?.on("error", (error: Error) =>
    logger.warn({ err: error.message }, "queue redis connection error"),
  );
  if (queueProbe) pings.set(config.QUEUE_REDIS_URL, queueProbe);
  const backends = backendsOf(config);
  const healthChecks: HealthCheck[] = [new PgHealthCheck(pool), ...(router ? [router.healthCheck] : [])];
  for (const backend of backends) {
    const connection = pings.get(backend.connectionUrl);
    if (connection) healthChecks.push(new RedisHealthCheck(connection, backend.name, backend.roles));
  }
  healthChecks.push(new SearchProbeHealthCheck(searchIndex));
  logger.info(
    { backends: backends.map(({ name, roles, address }) => ({ name, roles, address })) },
    "backends",
  );
  const media = await LocalMediaStore.open(config.UPLOAD_DIR);
  return {
    pool,
    readPool: router?.pool ?? pool,
    router,
    redis,
    searchIndex,
    invalidations,
    media,
    healthChecks,
    async close() {
      router?.close();
      await invalidations?.quit().catch(() => invalidations.disconnect());
      await queueProbe?.quit().catch(() => queueProbe.disconnect());
      await redis.quit().catch(() => redis.disconnect());
      await searchRedis.quit().catch(() => searchRedis.disconnect());
      await replicaPool?.end();
      await pool.end();
    },
  };
}

/** What every feature shares: the connections, the clock, randomness, the unit of work and the health checks. */
export const infrastructureModule = (infra: Infrastructure) =>
  new ContainerModule(({ bind }) => {
    bind<DatabasePool>(PG_POOL).toConstantValue(infra.pool);
    bind<RedisConnection>(REDIS).toConstantValue(infra.redis);
    bind<Clock>(CLOCK).toConstantValue(new SystemClock());
    bind<Randomness>(RANDOMNESS).toConstantValue(new CryptoRandomness());
    bind<UnitOfWork>(UNIT_OF_WORK).toDynamicValue((ctx) => {
      // The fence rises before the cache entries are dropped: a read that misses then cannot refill from a replica that lags.
      const committed = new PgUnitOfWork(infra.pool);
      const fenced = infra.router ? new FencingUnitOfWork(committed, infra.router) : committed;
      return new CacheInvalidatingUnitOfWork(fenced, ctx.get(CACHE), ctx.get(SESSION_REVOCATIONS));
    });
    bind<readonly HealthCheck[]>(HEALTH_CHECKS).toConstantValue(infra.healthChecks);
  });
