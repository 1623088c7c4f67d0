import "reflect-metadata";
import { Container } from "inversify";
import type { Redis } from "ioredis";
import type { DatabasePool } from "slonik";
import { Argon2PasswordHasher } from "./adapters/auth/argon2.password-hasher.js";
import { OsloSessionTokens } from "./adapters/auth/session-tokens.oslo.js";
import { type App, createBaseApp } from "./adapters/http/app.js";
import { registerAuthRoutes } from "./adapters/http/routes/auth.routes.js";
import { registerCatalogRoutes } from "./adapters/http/routes/catalog.routes.js";
import { registerDocsRoutes } from "./adapters/http/routes/docs.routes.js";
import { registerSystemRoutes } from "./adapters/http/routes/system.routes.js";
import { registerUserRoutes } from "./adapters/http/routes/users.routes.js";
import { applySecurity } from "./adapters/http/security.js";
import { PublicImageUrls } from "./adapters/media/image-urls.js";
import { PgCatalogRepository } from "./adapters/postgres/catalog.repository.pg.js";
import { PgHealthCheck } from "./adapters/postgres/health.pg.js";
import { createPgPool } from "./adapters/postgres/pool.js";
import { PgSessionStore } from "./adapters/postgres/session.store.pg.js";
import { PgUnitOfWork } from "./adapters/postgres/unit-of-work.pg.js";
import { PgUserRepository } from "./adapters/postgres/user.repository.pg.js";
import { createRedis } from "./adapters/redis/client.js";
import { RedisFailureLimiter } from "./adapters/redis/failure-limiter.redis.js";
import { RedisHealthCheck, SearchModuleHealthCheck } from "./adapters/redis/health.redis.js";
import { CREATE_ADMIN, CreateAdmin } from "./application/commands/create-admin.js";
import { REGISTER_USER, RegisterUser } from "./application/commands/register-user.js";
import { SIGN_IN, SignIn } from "./application/commands/sign-in.js";
import { SIGN_OUT, SignOut } from "./application/commands/sign-out.js";
import { SessionAuthenticator } from "./application/queries/authenticate.js";
import { CATALOG_QUERIES, CatalogQueries } from "./application/queries/catalog.queries.js";
import { USER_QUERIES, UserQueries } from "./application/queries/user.queries.js";
import { type Config, projectRoot } from "./config.js";
import { DAY_MS } from "./domain/user/session.js";
import { AUTHENTICATOR, type Authenticator } from "./ports/authenticator.js";
import { CATALOG_REPOSITORY, type CatalogRepository } from "./ports/catalog.repository.js";
import { CLOCK, type Clock } from "./ports/clock.js";
import { HEALTH_CHECKS, type HealthCheck } from "./ports/health.js";
import { IMAGE_URLS, type ImageUrls } from "./ports/image-urls.js";
import { LOGGER, type Logger } from "./ports/logger.js";
import { PASSWORD_HASHER, type PasswordHasher } from "./ports/password-hasher.js";
import { type FailureLimiter, LOGIN_LIMITER } from "./ports/rate-limiter.js";
import { SESSION_STORE, type SessionStore } from "./ports/session.store.js";
import { SESSION_TOKENS, type SessionTokens } from "./ports/token.js";
import { UNIT_OF_WORK, type UnitOfWork } from "./ports/unit-of-work.js";
import { USER_REPOSITORY, type UserRepository } from "./ports/user.repository.js";

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

  container.bind<Clock>(CLOCK).toConstantValue({ now: () => new Date() });
  bindAccounts(container, pool, redis, config, logger);

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

/** Accounts, sessions and sign-in: the Authenticator every protected route uses, and the CLI's CreateAdmin. */
function bindAccounts(
  container: Container,
  pool: DatabasePool,
  redis: Redis,
  config: Config,
  logger: Logger,
) {
  const sessionTtlMs = config.SESSION_TTL_DAYS * DAY_MS;
  container.bind<PasswordHasher>(PASSWORD_HASHER).toConstantValue(new Argon2PasswordHasher());
  container.bind<SessionTokens>(SESSION_TOKENS).toConstantValue(new OsloSessionTokens());
  container.bind<UserRepository>(USER_REPOSITORY).toConstantValue(new PgUserRepository(pool));
  container.bind<SessionStore>(SESSION_STORE).toConstantValue(new PgSessionStore(pool));
  container.bind<FailureLimiter>(LOGIN_LIMITER).toConstantValue(
    new RedisFailureLimiter(
      redis,
      {
        prefix: "doctorly:v1:login-failures:",
        maxFailures: config.LOGIN_MAX_FAILURES,
        windowSeconds: config.LOGIN_WINDOW_SECONDS,
      },
      logger,
    ),
  );
  container
    .bind<Authenticator>(AUTHENTICATOR)
    .toDynamicValue(
      (ctx) =>
        new SessionAuthenticator(
          ctx.get(SESSION_STORE),
          ctx.get(SESSION_TOKENS),
          ctx.get(CLOCK),
          sessionTtlMs,
        ),
    );
  container
    .bind<RegisterUser>(REGISTER_USER)
    .toDynamicValue((ctx) => new RegisterUser(ctx.get(UNIT_OF_WORK), ctx.get(PASSWORD_HASHER)));
  container
    .bind<CreateAdmin>(CREATE_ADMIN)
    .toDynamicValue((ctx) => new CreateAdmin(ctx.get(UNIT_OF_WORK), ctx.get(PASSWORD_HASHER)));
  container.bind<SignIn>(SIGN_IN).toDynamicValue(
    (ctx) =>
      new SignIn({
        users: ctx.get(USER_REPOSITORY),
        hasher: ctx.get(PASSWORD_HASHER),
        sessions: ctx.get(SESSION_STORE),
        tokens: ctx.get(SESSION_TOKENS),
        limiter: ctx.get(LOGIN_LIMITER),
        logger,
        clock: ctx.get(CLOCK),
        settings: { sessionTtlMs },
      }),
  );
  container
    .bind<SignOut>(SIGN_OUT)
    .toDynamicValue((ctx) => new SignOut(ctx.get(SESSION_STORE), ctx.get(SESSION_TOKENS), ctx.get(CLOCK)));
  container
    .bind<UserQueries>(USER_QUERIES)
    .toDynamicValue((ctx) => new UserQueries(ctx.get(USER_REPOSITORY)));
}

export function buildHttpApp(runtime: Runtime): App {
  const { container, config, logger } = runtime;
  const app = createBaseApp({ logger, maxBodyBytes: config.MAX_BODY_BYTES });
  applySecurity(app, { corsOrigins: config.CORS_ORIGINS });
  registerSystemRoutes(app, { healthChecks: container.get(HEALTH_CHECKS), logger });
  registerCatalogRoutes(app, { catalog: container.get(CATALOG_QUERIES) });
  const authenticator = container.get<Authenticator>(AUTHENTICATOR);
  registerAuthRoutes(app, {
    authenticator,
    signIn: container.get(SIGN_IN),
    signOut: container.get(SIGN_OUT),
  });
  registerUserRoutes(app, {
    authenticator,
    registerUser: container.get(REGISTER_USER),
    userQueries: container.get(USER_QUERIES),
  });
  registerDocsRoutes(app, { publicDir: `${projectRoot}/public`, title: "Doctorly API", version: "1.0.0" });
  return app;
}
