import "reflect-metadata";
import { Container } from "inversify";
import type { Redis } from "ioredis";
import type { DatabasePool } from "slonik";
import { type App, createBaseApp } from "./adapters/http/app.js";
import { registerCatalogRoutes } from "./adapters/http/routes/catalog.routes.js";
import { registerDocsRoutes } from "./adapters/http/routes/docs.routes.js";
import { registerSystemRoutes } from "./adapters/http/routes/system.routes.js";
import { PublicImageUrls } from "./adapters/media/image-urls.js";
import { PgCatalogRepository } from "./adapters/postgres/catalog.repository.pg.js";
import { PgHealthCheck } from "./adapters/postgres/health.pg.js";
import { createPgPool } from "./adapters/postgres/pool.js";
import { PgUnitOfWork } from "./adapters/postgres/unit-of-work.pg.js";
import { createRedis } from "./adapters/redis/client.js";
import { RedisHealthCheck, SearchModuleHealthCheck } from "./adapters/redis/health.redis.js";
import { CATALOG_QUERIES, CatalogQueries } from "./application/queries/catalog.queries.js";
import { type Config, projectRoot } from "./config.js";
import { CATALOG_REPOSITORY, type CatalogRepository } from "./ports/catalog.repository.js";
import { HEALTH_CHECKS, type HealthCheck } from "./ports/health.js";
import { IMAGE_URLS, type ImageUrls } from "./ports/image-urls.js";
import { LOGGER, type Logger } from "./ports/logger.js";
import { UNIT_OF_WORK, type UnitOfWork } from "./ports/unit-of-work.js";

export const CONFIG = Symbol.for("doctorly.Config");
export const PG_POOL = Symbol.for("doctorly.PgPool");
export const REDIS = Symbol.for("doctorly.Redis");

/** The composition root: the one place that knows which adapter serves which port. */
export interface Runtime {
  readonly container: Container;
  readonly config: Config;
  readonly logger: Logger;
  close(): Promise<void>;
}

export async function compose(config: Config, logger: Logger): Promise<Runtime> {
  const pool = await createPgPool({
    databaseUrl: config.DATABASE_URL,
    maximumPoolSize: config.DATABASE_POOL_SIZE,
  });
  const redis = createRedis(config.REDIS_URL, "app");
  redis.on("error", (error) => logger.warn({ err: error.message }, "redis connection error"));

  const container = new Container({ defaultScope: "Singleton" });
  container.bind<Config>(CONFIG).toConstantValue(config);
  container.bind<Logger>(LOGGER).toConstantValue(logger);
  container.bind<DatabasePool>(PG_POOL).toConstantValue(pool);
  container.bind<Redis>(REDIS).toConstantValue(redis);

  container.bind<UnitOfWork>(UNIT_OF_WORK).toConstantValue(new PgUnitOfWork(pool));
  container.bind<ImageUrls>(IMAGE_URLS).toConstantValue(new PublicImageUrls(config.PUBLIC_BASE_URL));
  container
    .bind<CatalogRepository>(CATALOG_REPOSITORY)
    .toDynamicValue((ctx) => new PgCatalogRepository(ctx.get(PG_POOL)));
  container
    .bind<CatalogQueries>(CATALOG_QUERIES)
    .toDynamicValue((ctx) => new CatalogQueries(ctx.get(CATALOG_REPOSITORY), ctx.get(IMAGE_URLS)));
  container
    .bind<readonly HealthCheck[]>(HEALTH_CHECKS)
    .toConstantValue([
      new PgHealthCheck(pool),
      new RedisHealthCheck(redis),
      new SearchModuleHealthCheck(redis),
    ]);

  return {
    container,
    config,
    logger,
    async close() {
      await redis.quit().catch(() => redis.disconnect());
      await pool.end();
    },
  };
}

export function buildHttpApp(runtime: Runtime): App {
  const { container, config, logger } = runtime;
  const app = createBaseApp({ logger, maxBodyBytes: config.MAX_BODY_BYTES });
  registerSystemRoutes(app, { healthChecks: container.get(HEALTH_CHECKS), logger });
  registerCatalogRoutes(app, { catalog: container.get(CATALOG_QUERIES) });
  registerDocsRoutes(app, { publicDir: `${projectRoot}/public`, title: "Doctorly API", version: "1.0.0" });
  return app;
}
