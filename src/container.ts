import "reflect-metadata";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { Container } from "inversify";
import type { Redis } from "ioredis";
import type { DatabasePool } from "slonik";
import { Argon2PasswordHasher } from "./adapters/auth/argon2.password-hasher.js";
import { ZxcvbnCommonPasswords } from "./adapters/auth/common-passwords.zxcvbn.js";
import { OsloSessionTokens } from "./adapters/auth/session-tokens.oslo.js";
import { type App, applyBodyLimit, createBaseApp } from "./adapters/http/app.js";
import { ClientAddresses } from "./adapters/http/client-address.js";
import { KnownRoutes } from "./adapters/http/known-routes.js";
import { limitAttempts } from "./adapters/http/limits.js";
import { registerAdminRoutes } from "./adapters/http/routes/admin.routes.js";
import { registerAuthRoutes } from "./adapters/http/routes/auth.routes.js";
import { registerCatalogRoutes } from "./adapters/http/routes/catalog.routes.js";
import { registerDocsRoutes } from "./adapters/http/routes/docs.routes.js";
import { registerDoctorRoutes } from "./adapters/http/routes/doctors.routes.js";
import { isUploadPath, registerMediaRoutes, uploadBodyBytes } from "./adapters/http/routes/media.routes.js";
import { registerPatientRoutes } from "./adapters/http/routes/patients.routes.js";
import { registerSearchRoutes } from "./adapters/http/routes/search.routes.js";
import { registerSystemRoutes } from "./adapters/http/routes/system.routes.js";
import { registerUserRoutes } from "./adapters/http/routes/users.routes.js";
import { registerVisitRoutes } from "./adapters/http/routes/visits.routes.js";
import { applySecurity } from "./adapters/http/security.js";
import { PublicImageUrls } from "./adapters/media/image-urls.js";
import { LocalMediaStore } from "./adapters/media/local-media-store.js";
import { SharpImageProcessor } from "./adapters/media/sharp-image-processor.js";
import { PgAppointmentReadModel } from "./adapters/postgres/appointment.read-model.pg.js";
import { PgCatalogRepository } from "./adapters/postgres/catalog.repository.pg.js";
import { PgDoctorReadModel } from "./adapters/postgres/doctor.read-model.pg.js";
import { PgHealthCheck } from "./adapters/postgres/health.pg.js";
import { PgIdempotencyKeyPurger } from "./adapters/postgres/idempotency.store.pg.js";
import { PgOutboxReader } from "./adapters/postgres/outbox.reader.pg.js";
import { PgPatientReadModel } from "./adapters/postgres/patient.read-model.pg.js";
import { createPgPool } from "./adapters/postgres/pool.js";
import { PgSessionPurger, PgSessionStore } from "./adapters/postgres/session.store.pg.js";
import { isPostgresUnavailable } from "./adapters/postgres/unavailable.js";
import { PgUnitOfWork } from "./adapters/postgres/unit-of-work.pg.js";
import { PgUserRepository } from "./adapters/postgres/user.repository.pg.js";
import { PgVisitReadModel } from "./adapters/postgres/visit.read-model.pg.js";
import {
  BullJobQueue,
  type JobWorkerOptions,
  type RetryPolicy,
  startJobWorker,
} from "./adapters/queue/bullmq.js";
import { MemoryAttemptLimiter, RedisAttemptLimiter } from "./adapters/redis/attempt-limiter.redis.js";
import { RedisCache } from "./adapters/redis/cache.redis.js";
import { createQueueRedis, createRedis } from "./adapters/redis/client.js";
import { RedisHealthCheck } from "./adapters/redis/health.redis.js";
import { NearCache } from "./adapters/redis/near-cache.js";
import { RediSearchDoctorIndex } from "./adapters/search/doctor-search.redisearch.js";
import { createSearchRedis, SearchProbeHealthCheck } from "./adapters/search/search-redis.js";
import { AddQualifications } from "./application/commands/add-qualifications.js";
import { AddSlot } from "./application/commands/add-slot.js";
import { AddSpecializations } from "./application/commands/add-specializations.js";
import { BookAppointment } from "./application/commands/book-appointment.js";
import { CacheInvalidatingUnitOfWork } from "./application/commands/cache-invalidating-unit-of-work.js";
import { CancelAppointment } from "./application/commands/cancel-appointment.js";
import { ChangeDoctorImage } from "./application/commands/change-doctor-image.js";
import { ChangeDoctorVerification } from "./application/commands/change-doctor-verification.js";
import { ChangeSpecializationImage } from "./application/commands/change-specialization-image.js";
import { ChangeVisitStatus } from "./application/commands/change-visit-status.js";
import { CREATE_ADMIN, CreateAdmin } from "./application/commands/create-admin.js";
import { RateAppointment } from "./application/commands/rate-appointment.js";
import { RegisterDoctor } from "./application/commands/register-doctor.js";
import { RegisterPatient } from "./application/commands/register-patient.js";
import { REGISTER_USER, RegisterUser } from "./application/commands/register-user.js";
import { SIGN_IN, SignIn } from "./application/commands/sign-in.js";
import { SIGN_OUT, SignOut } from "./application/commands/sign-out.js";
import { JoinWaitlist, LeaveWaitlist } from "./application/commands/waitlist.js";
import { DoctorDocuments } from "./application/projections/doctor-documents.js";
import { DoctorProjector, rebuildDoctorIndex } from "./application/projections/doctor-projector.js";
import { OutboxRelay, type OutboxRelayOptions } from "./application/projections/outbox-relay.js";
import { Reminders } from "./application/projections/reminders.js";
import { SessionAuthenticator } from "./application/queries/authenticate.js";
import { CATALOG_QUERIES, CatalogQueries } from "./application/queries/catalog.queries.js";
import { DoctorQueries } from "./application/queries/doctor.queries.js";
import { DoctorSearch } from "./application/queries/doctor-search.service.js";
import { PatientQueries } from "./application/queries/patient.queries.js";
import { ReadCache } from "./application/queries/read-cache.js";
import { USER_QUERIES, UserQueries } from "./application/queries/user.queries.js";
import { VisitQueries } from "./application/queries/visit.queries.js";
import { type Config, projectRoot } from "./config.js";
import type { Limits } from "./domain/user/limits.js";
import { DAY_MS } from "./domain/user/session.js";
import { APPOINTMENT_READ_MODEL, type AppointmentReadModel } from "./ports/appointment.read-model.js";
import { AUTHENTICATOR, type Authenticator } from "./ports/authenticator.js";
import { CACHE, type Cache } from "./ports/cache.js";
import { CATALOG_REPOSITORY, type CatalogRepository } from "./ports/catalog.repository.js";
import { CLOCK, type Clock } from "./ports/clock.js";
import { COMMON_PASSWORDS, type CommonPasswords } from "./ports/common-passwords.js";
import { DOCTOR_READ_MODEL, type DoctorReadModel } from "./ports/doctor.read-model.js";
import {
  DOCTOR_DOCUMENT_SOURCE,
  DOCTOR_SEARCH_INDEX,
  type DoctorDocumentSource,
  type DoctorSearchIndex,
} from "./ports/doctor-search.js";
import { HEALTH_CHECKS, type HealthCheck } from "./ports/health.js";
import { IDEMPOTENCY_KEY_PURGER, type IdempotencyKeyPurger } from "./ports/idempotency.store.js";
import { IMAGE_PROCESSOR, type ImageProcessor } from "./ports/image-processor.js";
import { IMAGE_URLS, type ImageUrls } from "./ports/image-urls.js";
import { LOGGER, type Logger } from "./ports/logger.js";
import { MEDIA_STORE, type MediaStore } from "./ports/media-store.js";
import type { PasswordHasher } from "./ports/password-hasher.js";
import { PASSWORD_HASHER } from "./ports/password-hasher.js";
import { PATIENT_READ_MODEL, type PatientReadModel } from "./ports/patient.read-model.js";
import {
  type AttemptLimiter,
  REGISTRATION_LIMITER,
  SEARCH_LIMITER,
  SIGN_IN_CLIENT_LIMITER,
  SIGN_IN_PAIR_LIMITER,
  UPLOAD_LIMITER,
} from "./ports/rate-limiter.js";
import {
  SESSION_PURGER,
  SESSION_STORE,
  type SessionPurger,
  type SessionStore,
} from "./ports/session.store.js";
import { SESSION_TOKENS, type SessionTokens } from "./ports/token.js";
import { UNIT_OF_WORK, type UnitOfWork } from "./ports/unit-of-work.js";
import { USER_REPOSITORY, type UserRepository } from "./ports/user.repository.js";
import { VISIT_READ_MODEL, type VisitReadModel } from "./ports/visit.read-model.js";

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
  const searchRedis = createSearchRedis(config.REDIS_URL);
  searchRedis.on("error", (error) => logger.warn({ err: error.message }, "search redis connection error"));
  const searchIndex = new RediSearchDoctorIndex(searchRedis, config.SEARCH_INDEX, {
    keyPrefix: "doctor:",
    queryTimeoutMs: config.SEARCH_TIMEOUT_MS,
  });

  const container = new Container({ defaultScope: "Singleton" });
  container.bind<Config>(CONFIG).toConstantValue(config);
  container.bind<Logger>(LOGGER).toConstantValue(logger);
  container.bind<DatabasePool>(PG_POOL).toConstantValue(pool);
  container.bind<Redis>(REDIS).toConstantValue(redis);

  container
    .bind<UnitOfWork>(UNIT_OF_WORK)
    .toDynamicValue((ctx) => new CacheInvalidatingUnitOfWork(new PgUnitOfWork(pool), ctx.get(CACHE)));
  container
    .bind(ReadCache)
    .toDynamicValue((ctx) => new ReadCache(ctx.get(CACHE), config.CACHE_TTL_SECONDS, config.CACHE_ENABLED));
  container.bind<ImageUrls>(IMAGE_URLS).toConstantValue(new PublicImageUrls(config.PUBLIC_BASE_URL));
  container
    .bind<CatalogRepository>(CATALOG_REPOSITORY)
    .toDynamicValue((ctx) => new PgCatalogRepository(ctx.get(PG_POOL)));
  container
    .bind<CatalogQueries>(CATALOG_QUERIES)
    .toDynamicValue(
      (ctx) => new CatalogQueries(ctx.get(CATALOG_REPOSITORY), ctx.get(IMAGE_URLS), ctx.get(ReadCache)),
    );
  container
    .bind<readonly HealthCheck[]>(HEALTH_CHECKS)
    .toConstantValue([
      new PgHealthCheck(pool),
      new RedisHealthCheck(redis),
      new SearchProbeHealthCheck(searchIndex),
    ]);
  // The near cache hears invalidations on a connection of its own (a subscribed connection takes no commands).
  const invalidations =
    config.CACHE_ENABLED && config.CACHE_LOCAL_TTL_MS > 0
      ? createRedis(config.REDIS_URL, "invalidations")
      : null;
  invalidations?.on("error", (error) => logger.warn({ err: error.message }, "redis connection error"));
  bindReadSide(container, redis, searchIndex, invalidations, config, logger);

  bindBooking(container, pool, config);
  bindVisits(container, pool, config);
  bindAccounts(container, pool, redis, config, logger);
  bindMedia(container, await LocalMediaStore.open(config.UPLOAD_DIR), logger, config);

  return {
    container,
    config,
    logger,
    async close() {
      await invalidations?.quit().catch(() => invalidations.disconnect());
      await redis.quit().catch(() => redis.disconnect());
      await searchRedis.quit().catch(() => searchRedis.disconnect());
      await pool.end();
    },
  };
}

/** The caps of API.md "Trust and limits", from their settings. */
export const limitsOf = (config: Config): Limits => ({
  patientsPerAccount: config.MAX_PATIENTS_PER_ACCOUNT,
  liveAppointmentsPerAccount: config.MAX_LIVE_APPOINTMENTS_PER_ACCOUNT,
  seatsPerSittingPerAccount: config.MAX_SEATS_PER_SITTING_PER_ACCOUNT,
  waitingEntriesPerAccount: config.MAX_WAITING_ENTRIES_PER_ACCOUNT,
  slotsPerDoctor: config.MAX_SLOTS_PER_DOCTOR,
});

/** The doctor's day, ratings, waitlists and notifications. */
function bindVisits(container: Container, pool: DatabasePool, config: Config) {
  container.bind<VisitReadModel>(VISIT_READ_MODEL).toConstantValue(new PgVisitReadModel(pool));
  container
    .bind(VisitQueries)
    .toDynamicValue(
      (ctx) => new VisitQueries(ctx.get(VISIT_READ_MODEL), ctx.get(DOCTOR_READ_MODEL), ctx.get(CLOCK)),
    );
  container
    .bind(ChangeVisitStatus)
    .toDynamicValue((ctx) => new ChangeVisitStatus(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK)));
  container.bind(RateAppointment).toDynamicValue((ctx) => new RateAppointment(ctx.get(UNIT_OF_WORK)));
  container
    .bind(JoinWaitlist)
    .toDynamicValue(
      (ctx) =>
        new JoinWaitlist(
          ctx.get(UNIT_OF_WORK),
          ctx.get(CLOCK),
          config.BOOKING_HORIZON_DAYS,
          limitsOf(config),
        ),
    );
  container.bind(LeaveWaitlist).toDynamicValue((ctx) => new LeaveWaitlist(ctx.get(UNIT_OF_WORK)));
}

/** Doctors, slots, patients and appointments: commands on the unit of work, queries on read models. */
function bindBooking(container: Container, pool: DatabasePool, config: Config) {
  container.bind<Clock>(CLOCK).toConstantValue({ now: () => new Date() });
  container.bind<DoctorReadModel>(DOCTOR_READ_MODEL).toConstantValue(new PgDoctorReadModel(pool));
  container.bind<PatientReadModel>(PATIENT_READ_MODEL).toConstantValue(new PgPatientReadModel(pool));
  container
    .bind<AppointmentReadModel>(APPOINTMENT_READ_MODEL)
    .toConstantValue(new PgAppointmentReadModel(pool));
  container
    .bind<IdempotencyKeyPurger>(IDEMPOTENCY_KEY_PURGER)
    .toConstantValue(new PgIdempotencyKeyPurger(pool));

  const limits = limitsOf(config);
  container.bind(AddSlot).toDynamicValue((ctx) => new AddSlot(ctx.get(UNIT_OF_WORK), limits));
  container
    .bind(AddSpecializations)
    .toDynamicValue((ctx) => new AddSpecializations(ctx.get(UNIT_OF_WORK), ctx.get(CATALOG_REPOSITORY)));
  container
    .bind(AddQualifications)
    .toDynamicValue(
      (ctx) => new AddQualifications(ctx.get(UNIT_OF_WORK), ctx.get(CATALOG_REPOSITORY), ctx.get(CLOCK)),
    );
  container
    .bind(RegisterDoctor)
    .toDynamicValue(
      (ctx) =>
        new RegisterDoctor(
          ctx.get(UNIT_OF_WORK),
          ctx.get(PASSWORD_HASHER),
          ctx.get(COMMON_PASSWORDS),
          config.DEFAULT_TIMEZONE,
        ),
    );
  container.bind(RegisterPatient).toDynamicValue((ctx) => new RegisterPatient(ctx.get(UNIT_OF_WORK), limits));
  container
    .bind(BookAppointment)
    .toDynamicValue(
      (ctx) =>
        new BookAppointment(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK), config.BOOKING_HORIZON_DAYS, limits),
    );
  container
    .bind(ChangeDoctorVerification)
    .toDynamicValue((ctx) => new ChangeDoctorVerification(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK)));
  container
    .bind(CancelAppointment)
    .toDynamicValue((ctx) => new CancelAppointment(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK)));
  container
    .bind(DoctorQueries)
    .toDynamicValue(
      (ctx) =>
        new DoctorQueries(
          ctx.get(DOCTOR_READ_MODEL),
          ctx.get(IMAGE_URLS),
          ctx.get(CLOCK),
          ctx.get(ReadCache),
        ),
    );
  container
    .bind(PatientQueries)
    .toDynamicValue(
      (ctx) =>
        new PatientQueries(
          ctx.get(PATIENT_READ_MODEL),
          ctx.get(APPOINTMENT_READ_MODEL),
          ctx.get(DOCTOR_READ_MODEL),
        ),
    );
}

/**
 * The API on a Node HTTP server. A request that says `Expect: 100-continue` is told to go on only when
 * its declared body fits the route's limit; otherwise the app answers 413 at once (and closes), so
 * the client never sends a body that is already refused.
 */
export function serveHttp(
  runtime: Runtime,
  address: { port: number; hostname: string },
  onListening?: (info: AddressInfo) => void,
): ServerType {
  const { config } = runtime;
  const app = buildHttpApp(runtime);
  const server = serve({ fetch: app.fetch, ...address }, onListening);
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://local").pathname;
    const limit = isUploadPath(path) ? uploadBodyBytes(config.MAX_UPLOAD_BYTES) : config.MAX_BODY_BYTES;
    if (Number(req.headers["content-length"] ?? 0) <= limit) res.writeContinue();
    server.emit("request", req, res);
  });
  return server;
}

export function buildHttpApp(runtime: Runtime): App {
  const { container, config, logger } = runtime;
  const knownRoutes = new KnownRoutes();
  const app = createBaseApp({ logger, isUnavailable: isPostgresUnavailable, knownRoutes });
  applySecurity(app, { corsOrigins: config.CORS_ORIGINS, knownRoutes });
  applyBodyLimit(app, { maxBodyBytes: config.MAX_BODY_BYTES, ownsBodyLimit: isUploadPath });
  registerSystemRoutes(app, { healthChecks: container.get(HEALTH_CHECKS), logger });
  registerCatalogRoutes(app, { catalog: container.get(CATALOG_QUERIES) });
  const authenticator = container.get<Authenticator>(AUTHENTICATOR);
  const clients = new ClientAddresses(config.TRUSTED_PROXIES);
  const perClient = (token: symbol, detail: string) =>
    limitAttempts(container.get<AttemptLimiter>(token), (c) => clients.of(c), detail);
  const registrationLimit = perClient(
    REGISTRATION_LIMITER,
    "Too many accounts created from here; try again later.",
  );
  registerAuthRoutes(app, {
    authenticator,
    signIn: container.get(SIGN_IN),
    signOut: container.get(SIGN_OUT),
    clients,
  });
  registerUserRoutes(app, {
    authenticator,
    registerUser: container.get(REGISTER_USER),
    userQueries: container.get(USER_QUERIES),
    registrationLimit,
  });
  registerDoctorRoutes(app, {
    authenticator,
    doctors: container.get(DoctorQueries),
    patients: container.get(PatientQueries),
    registerDoctor: container.get(RegisterDoctor),
    addSlot: container.get(AddSlot),
    addSpecializations: container.get(AddSpecializations),
    addQualifications: container.get(AddQualifications),
    registrationLimit,
  });
  registerSearchRoutes(app, {
    search: new DoctorSearch(container.get(DOCTOR_SEARCH_INDEX), logger),
    searchLimit: perClient(SEARCH_LIMITER, "Too many searches from here; slow down."),
  });
  registerPatientRoutes(app, {
    authenticator,
    patients: container.get(PatientQueries),
    registerPatient: container.get(RegisterPatient),
    bookAppointment: container.get(BookAppointment),
    cancelAppointment: container.get(CancelAppointment),
  });
  registerVisitRoutes(app, {
    authenticator,
    visits: container.get(VisitQueries),
    patients: container.get(PatientQueries),
    changeVisitStatus: container.get(ChangeVisitStatus),
    rateAppointment: container.get(RateAppointment),
    joinWaitlist: container.get(JoinWaitlist),
    leaveWaitlist: container.get(LeaveWaitlist),
  });
  registerMediaRoutes(app, {
    authenticator,
    doctors: container.get(DoctorQueries),
    changeDoctorImage: container.get(ChangeDoctorImage),
    changeSpecializationImage: container.get(ChangeSpecializationImage),
    media: container.get(MEDIA_STORE),
    urls: container.get(IMAGE_URLS),
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    uploadsLimit: limitAttempts(
      container.get<AttemptLimiter>(UPLOAD_LIMITER),
      (c) => `user:${c.get("principal").userId}`,
      "Too many pictures uploaded by this account; try again later.",
    ),
  });
  // Listed last: suites that walk the document in order (hostile input) may suspend a doctor there,
  // which then comes after every route that books.
  registerAdminRoutes(app, {
    authenticator,
    doctors: container.get(DoctorQueries),
    changeDoctorVerification: container.get(ChangeDoctorVerification),
  });
  registerDocsRoutes(app, { publicDir: `${projectRoot}/public`, title: "Doctorly API", version: "1.0.0" });
  knownRoutes.learn(app);
  return app;
}

/**
 * The per-client and per-account limits of API.md "Trust and limits". Sign-in, registration and uploads
 * count in Redis (shared by every API process; in memory while Redis does not answer); search counts in
 * each process's memory, so that a search costs Redis nothing more than its query.
 */
function bindLimits(container: Container, redis: Redis, config: Config, logger: Logger) {
  const shared = (name: string, attempts: number, windowSeconds: number) =>
    new RedisAttemptLimiter(redis, { name, attempts, windowSeconds }, logger);
  container
    .bind<AttemptLimiter>(SIGN_IN_PAIR_LIMITER)
    .toConstantValue(shared("sign-in-pair", config.LOGIN_MAX_FAILURES, config.LOGIN_WINDOW_SECONDS));
  container
    .bind<AttemptLimiter>(SIGN_IN_CLIENT_LIMITER)
    .toConstantValue(shared("sign-in-client", config.LOGIN_MAX_DAILY_FAILURES, 86_400));
  container
    .bind<AttemptLimiter>(REGISTRATION_LIMITER)
    .toConstantValue(shared("registration", config.REGISTRATIONS_PER_HOUR, 3_600));
  container
    .bind<AttemptLimiter>(UPLOAD_LIMITER)
    .toConstantValue(shared("upload", config.UPLOADS_PER_HOUR, 3_600));
  container
    .bind<AttemptLimiter>(SEARCH_LIMITER)
    .toConstantValue(
      new MemoryAttemptLimiter({ name: "search", attempts: config.SEARCHES_PER_MINUTE, windowSeconds: 60 }),
    );
}

/** Accounts, sessions and sign-in: the Authenticator every protected route uses, and the CLI's CreateAdmin. */
function bindAccounts(
  container: Container,
  pool: DatabasePool,
  redis: Redis,
  config: Config,
  logger: Logger,
) {
  const sessionLifetime = {
    idleMs: config.SESSION_TTL_DAYS * DAY_MS,
    maxMs: config.SESSION_MAX_DAYS * DAY_MS,
  };
  container.bind<PasswordHasher>(PASSWORD_HASHER).toConstantValue(new Argon2PasswordHasher());
  container.bind<CommonPasswords>(COMMON_PASSWORDS).toConstantValue(new ZxcvbnCommonPasswords());
  container.bind<SessionTokens>(SESSION_TOKENS).toConstantValue(new OsloSessionTokens());
  container.bind<UserRepository>(USER_REPOSITORY).toConstantValue(new PgUserRepository(pool));
  container.bind<SessionStore>(SESSION_STORE).toConstantValue(new PgSessionStore(pool));
  container.bind<SessionPurger>(SESSION_PURGER).toConstantValue(new PgSessionPurger(pool));
  bindLimits(container, redis, config, logger);
  container
    .bind<Authenticator>(AUTHENTICATOR)
    .toDynamicValue(
      (ctx) =>
        new SessionAuthenticator(
          ctx.get(SESSION_STORE),
          ctx.get(SESSION_TOKENS),
          ctx.get(CLOCK),
          sessionLifetime.idleMs,
        ),
    );
  container
    .bind<RegisterUser>(REGISTER_USER)
    .toDynamicValue(
      (ctx) => new RegisterUser(ctx.get(UNIT_OF_WORK), ctx.get(PASSWORD_HASHER), ctx.get(COMMON_PASSWORDS)),
    );
  container
    .bind<CreateAdmin>(CREATE_ADMIN)
    .toDynamicValue(
      (ctx) => new CreateAdmin(ctx.get(UNIT_OF_WORK), ctx.get(PASSWORD_HASHER), ctx.get(COMMON_PASSWORDS)),
    );
  container.bind<SignIn>(SIGN_IN).toDynamicValue(
    (ctx) =>
      new SignIn({
        users: ctx.get(USER_REPOSITORY),
        hasher: ctx.get(PASSWORD_HASHER),
        sessions: ctx.get(SESSION_STORE),
        tokens: ctx.get(SESSION_TOKENS),
        limits: { pair: ctx.get(SIGN_IN_PAIR_LIMITER), client: ctx.get(SIGN_IN_CLIENT_LIMITER) },
        logger,
        clock: ctx.get(CLOCK),
        settings: { sessionLifetime },
      }),
  );
  container
    .bind<SignOut>(SIGN_OUT)
    .toDynamicValue((ctx) => new SignOut(ctx.get(SESSION_STORE), ctx.get(SESSION_TOKENS), ctx.get(CLOCK)));
  container
    .bind<UserQueries>(USER_QUERIES)
    .toDynamicValue((ctx) => new UserQueries(ctx.get(USER_REPOSITORY)));
}

/** Uploaded pictures: stored under UPLOAD_DIR (created at start), re-encoded with sharp. */
function bindMedia(container: Container, media: MediaStore, logger: Logger, config: Config) {
  container.bind<MediaStore>(MEDIA_STORE).toConstantValue(media);
  container.bind<ImageProcessor>(IMAGE_PROCESSOR).toConstantValue(
    new SharpImageProcessor({
      maxInputPixels: config.IMAGE_MAX_PIXELS,
      concurrentDecodes: config.IMAGE_DECODE_CONCURRENCY,
    }),
  );
  const deps = (ctx: { get<T>(id: symbol): T }) => ({
    uow: ctx.get<UnitOfWork>(UNIT_OF_WORK),
    processor: ctx.get<ImageProcessor>(IMAGE_PROCESSOR),
    media,
    logger,
  });
  container.bind(ChangeDoctorImage).toDynamicValue((ctx) => new ChangeDoctorImage(deps(ctx)));
  container.bind(ChangeSpecializationImage).toDynamicValue((ctx) => new ChangeSpecializationImage(deps(ctx)));
}

/** The read side: the doctor search index, the cache and the source that projections recompute from. */
function bindReadSide(
  container: Container,
  redis: Redis,
  searchIndex: DoctorSearchIndex,
  invalidations: Redis | null,
  config: Config,
  logger: Logger,
) {
  container.bind<DoctorSearchIndex>(DOCTOR_SEARCH_INDEX).toConstantValue(searchIndex);
  const shared = new RedisCache(redis, logger);
  container
    .bind<Cache>(CACHE)
    .toConstantValue(
      invalidations
        ? new NearCache(shared, redis, invalidations, logger, { ttlMs: config.CACHE_LOCAL_TTL_MS })
        : shared,
    );
  container
    .bind<DoctorDocumentSource>(DOCTOR_DOCUMENT_SOURCE)
    .toDynamicValue(
      (ctx) => new DoctorDocuments(ctx.get(DOCTOR_READ_MODEL), ctx.get(IMAGE_URLS), ctx.get(CLOCK)),
    );
}

export const PROJECTION_QUEUE = "doctorly-projections";

const INDEX_WATCH_MS = 2_000;
/**
 * How often the workers forget Idempotency-Keys older than IDEMPOTENCY_KEY_DAYS and delete sessions
 * that have ended (expired or revoked); each also runs once at start.
 */
const PURGE_EVERY_MS = 3_600_000;

export interface WorkerOptions {
  readonly queueName?: string;
  /** Tests relay from a private copy of the outbox table. */
  readonly outboxTable?: string;
  readonly relay?: OutboxRelayOptions;
  readonly worker?: JobWorkerOptions;
  readonly retry?: RetryPolicy;
}

/** The queue of visit reminders that the workers beside `queueName` run. */
const reminderQueueOf = (queueName: string) => `${queueName}-reminders`;

/**
 * The workers' queues for operator commands (failed jobs, replay): projections, then reminders.
 * Close them after use.
 */
export function openProjectionQueues(runtime: Runtime, queueName = PROJECTION_QUEUE) {
  const connection = createRedis(runtime.config.REDIS_URL, "queue-admin");
  const queues = [
    { label: "projections", queue: new BullJobQueue(queueName, connection) },
    { label: "reminders", queue: new BullJobQueue(reminderQueueOf(queueName), connection) },
  ] as const;
  return {
    queues,
    async close() {
      for (const { queue } of queues) await queue.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/**
 * The outbox relay and the projector worker. On start, an index that had to be created (first run, or
 * Redis lost its data) is filled from Postgres in the background; events keep flowing meanwhile.
 */
export function startWorkers(runtime: Runtime, options: WorkerOptions = {}): { close(): Promise<void> } {
  const { container, config, logger } = runtime;
  const queueName = options.queueName ?? PROJECTION_QUEUE;
  // The relay's connection fails fast (it is used inside a transaction); the worker's blocks and waits.
  const relayRedis = createRedis(config.REDIS_URL, "relay");
  const workerRedis = createQueueRedis(config.REDIS_URL, "worker");
  const reminderRedis = createQueueRedis(config.REDIS_URL, "reminders");
  for (const connection of [relayRedis, workerRedis, reminderRedis]) {
    connection.on("error", (error) => logger.warn({ err: error.message }, "queue redis connection error"));
  }
  const queue = new BullJobQueue(queueName, relayRedis, options.retry);
  const relay = new OutboxRelay(
    new PgOutboxReader(container.get<DatabasePool>(PG_POOL), options.outboxTable),
    queue,
    logger,
    options.relay,
  );
  const index = container.get<DoctorSearchIndex>(DOCTOR_SEARCH_INDEX);
  const source = container.get<DoctorDocumentSource>(DOCTOR_DOCUMENT_SOURCE);
  const projector = new DoctorProjector(source, index, container.get<Cache>(CACHE));
  const reminderQueueName = reminderQueueOf(queueName);
  const reminderQueue = new BullJobQueue(reminderQueueName, relayRedis, options.retry);
  const reminders = new Reminders(
    container.get<AppointmentReadModel>(APPOINTMENT_READ_MODEL),
    reminderQueue,
    container.get<UnitOfWork>(UNIT_OF_WORK),
    container.get<Clock>(CLOCK),
  );
  const worker = startJobWorker(
    queueName,
    workerRedis,
    async (job) => {
      await projector.handle(job);
      await reminders.plan(job);
    },
    logger,
    options.worker,
  );
  const reminderWorker = startJobWorker(
    reminderQueueName,
    reminderRedis,
    reminders.fire,
    logger,
    options.worker,
  );
  relay.start();

  let closing = false;
  let wake = () => {};
  let remindersLost = false;
  const clock = container.get<Clock>(CLOCK);
  const idempotencyKeys = container.get<IdempotencyKeyPurger>(IDEMPOTENCY_KEY_PURGER);
  const sessions = container.get<SessionPurger>(SESSION_PURGER);
  const purges = [
    {
      done: "expired idempotency keys forgotten",
      failed: "idempotency key purge failed",
      run: (now: number) =>
        idempotencyKeys.purgeOlderThan(new Date(now - config.IDEMPOTENCY_KEY_DAYS * 86_400_000)),
    },
    {
      done: "ended sessions deleted",
      failed: "session purge failed",
      run: (now: number) => sessions.purgeEnded(new Date(now)),
    },
  ].map((purge) => ({ ...purge, nextAt: 0 }));
  // A purge that fails is tried again on the next round of the watchdog, not an hour later.
  const runDuePurges = async () => {
    for (const purge of purges) {
      const now = clock.now().getTime();
      if (now < purge.nextAt) continue;
      try {
        const purged = await purge.run(now);
        if (purged > 0) logger.info({ purged }, purge.done);
        purge.nextAt = now + PURGE_EVERY_MS;
      } catch (error) {
        logger.warn({ err: error instanceof Error ? error.message : String(error) }, purge.failed);
      }
    }
  };
  // A watchdog, not a one-off: Redis may be connecting when the worker starts, and a Redis that restarts
  // without its data loses the index and any queued jobs. Whenever the index is missing it is recreated
  // and rebuilt from Postgres, and the delayed reminders are planned again, so nothing is lost for good.
  const watchdog = (async () => {
    while (!closing) {
      let pause = INDEX_WATCH_MS;
      await runDuePurges();
      try {
        const { created } = await index.ensureIndex();
        if (created) {
          remindersLost = true;
          const { indexed } = await rebuildDoctorIndex(source, index);
          logger.info({ indexed }, "doctor index was missing: rebuilt from postgres");
        }
        if (remindersLost) {
          const appointments = await reminders.replanUpcoming(container.get(VISIT_READ_MODEL));
          remindersLost = false;
          logger.info({ appointments }, "reminders planned again from postgres");
        }
      } catch (error) {
        logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          "doctor index check failed",
        );
        pause = 1_000;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  logger.info({ queue: queueName }, "projection workers started");

  return {
    async close() {
      closing = true;
      wake();
      await relay.stop();
      await worker.close();
      await reminderWorker.close();
      await watchdog;
      await queue.close();
      await reminderQueue.close();
      await Promise.all(
        [relayRedis, workerRedis, reminderRedis].map((c) => c.quit().catch(() => c.disconnect())),
      );
    },
  };
}
