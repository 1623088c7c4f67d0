import { ContainerModule } from "inversify";
import { Argon2PasswordHasher } from "../adapters/auth/argon2.password-hasher.js";
import { ZxcvbnCommonPasswords } from "../adapters/auth/common-passwords.zxcvbn.js";
import { OsloSessionTokens } from "../adapters/auth/session-tokens.oslo.js";
import { PgSessionPurger, PgSessionStore } from "../adapters/postgres/session.store.pg.js";
import { PgUserRepository } from "../adapters/postgres/user.repository.pg.js";
import { CachedSessionStore } from "../adapters/redis/session-cache.js";
import { ChangePassword } from "../application/commands/accounts/change-password.js";
import { CreateAdmin } from "../application/commands/accounts/create-admin.js";
import { EraseAccount } from "../application/commands/accounts/erase-account.js";
import { RevokeSession, SignOutEverywhere } from "../application/commands/accounts/manage-sessions.js";
import { RegisterUser } from "../application/commands/accounts/register-user.js";
import { SignIn } from "../application/commands/accounts/sign-in.js";
import { SignOut } from "../application/commands/accounts/sign-out.js";
import { SessionAuthenticator } from "../application/queries/accounts/authenticate.js";
import { SessionQueries } from "../application/queries/accounts/session.queries.js";
import { UserQueries } from "../application/queries/accounts/user.queries.js";
import type { Config } from "../config.js";
import { DAY_MS } from "../domain/user/session.js";
import { AUTHENTICATOR, type Authenticator } from "../ports/authenticator.js";
import { CLOCK } from "../ports/clock.js";
import { COMMON_PASSWORDS, type CommonPasswords } from "../ports/common-passwords.js";
import type { Logger } from "../ports/logger.js";
import { PASSWORD_HASHER, type PasswordHasher } from "../ports/password-hasher.js";
import { SIGN_IN_CLIENT_LIMITER, SIGN_IN_PAIR_LIMITER } from "../ports/rate-limiter.js";
import {
  SESSION_PURGER,
  SESSION_REVOCATIONS,
  SESSION_STORE,
  type SessionPurger,
  type SessionRevocations,
  type SessionStore,
} from "../ports/session.store.js";
import { SESSION_TOKENS, type SessionTokens } from "../ports/token.js";
import { UNIT_OF_WORK } from "../ports/unit-of-work.js";
import { USER_REPOSITORY, type UserRepository } from "../ports/user.repository.js";
import type { Infrastructure } from "./infrastructure.js";

/**
 * Accounts, sessions and sign-in (auth and users routes): the Authenticator every protected route uses,
 * and the CLI's CreateAdmin. The sign-in limiters come from limits.module.ts.
 */
export const accountsModule = (infra: Infrastructure, config: Config, logger: Logger) =>
  new ContainerModule(({ bind }) => {
    const { pool } = infra;
    const sessionLifetime = {
      idleMs: config.SESSION_TTL_DAYS * DAY_MS,
      maxMs: config.SESSION_MAX_DAYS * DAY_MS,
    };
    bind<PasswordHasher>(PASSWORD_HASHER).toConstantValue(new Argon2PasswordHasher());
    bind<CommonPasswords>(COMMON_PASSWORDS).toConstantValue(new ZxcvbnCommonPasswords());
    bind<SessionTokens>(SESSION_TOKENS).toConstantValue(new OsloSessionTokens());
    bind<UserRepository>(USER_REPOSITORY).toConstantValue(new PgUserRepository(pool));
    // Every authenticated request looks its session up: answered from memory for a short while, forgotten
    // on every process as soon as a revocation commits (ADR 0011).
    const sessions =
      infra.invalidations && config.SESSION_CACHE_TTL_MS > 0
        ? new CachedSessionStore(new PgSessionStore(pool), infra.redis, infra.invalidations, logger, {
            ttlMs: config.SESSION_CACHE_TTL_MS,
          })
        : new PgSessionStore(pool);
    bind<SessionStore>(SESSION_STORE).toConstantValue(sessions);
    bind<SessionRevocations>(SESSION_REVOCATIONS).toConstantValue(
      sessions instanceof CachedSessionStore ? sessions : { revoked: async () => {} },
    );
    bind<SessionPurger>(SESSION_PURGER).toConstantValue(new PgSessionPurger(pool));
    bind<Authenticator>(AUTHENTICATOR).toDynamicValue(
      (ctx) =>
        new SessionAuthenticator(
          ctx.get(SESSION_STORE),
          ctx.get(SESSION_TOKENS),
          ctx.get(CLOCK),
          sessionLifetime.idleMs,
        ),
    );
    bind(RegisterUser).toDynamicValue(
      (ctx) => new RegisterUser(ctx.get(UNIT_OF_WORK), ctx.get(PASSWORD_HASHER), ctx.get(COMMON_PASSWORDS)),
    );
    bind(CreateAdmin).toDynamicValue(
      (ctx) => new CreateAdmin(ctx.get(UNIT_OF_WORK), ctx.get(PASSWORD_HASHER), ctx.get(COMMON_PASSWORDS)),
    );
    bind(SignIn).toDynamicValue(
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
    bind(SignOut).toDynamicValue(
      (ctx) => new SignOut(ctx.get(SESSION_STORE), ctx.get(SESSION_TOKENS), ctx.get(CLOCK)),
    );
    bind(ChangePassword).toDynamicValue(
      (ctx) =>
        new ChangePassword({
          uow: ctx.get(UNIT_OF_WORK),
          users: ctx.get(USER_REPOSITORY),
          hasher: ctx.get(PASSWORD_HASHER),
          commonPasswords: ctx.get(COMMON_PASSWORDS),
          limits: { pair: ctx.get(SIGN_IN_PAIR_LIMITER), client: ctx.get(SIGN_IN_CLIENT_LIMITER) },
          logger,
          clock: ctx.get(CLOCK),
        }),
    );
    bind(EraseAccount).toDynamicValue(
      (ctx) =>
        new EraseAccount({
          uow: ctx.get(UNIT_OF_WORK),
          users: ctx.get(USER_REPOSITORY),
          hasher: ctx.get(PASSWORD_HASHER),
          limits: { pair: ctx.get(SIGN_IN_PAIR_LIMITER), client: ctx.get(SIGN_IN_CLIENT_LIMITER) },
          logger,
          clock: ctx.get(CLOCK),
          horizonDays: config.BOOKING_HORIZON_DAYS,
        }),
    );
    bind(SessionQueries).toDynamicValue((ctx) => new SessionQueries(ctx.get(SESSION_STORE), ctx.get(CLOCK)));
    bind(RevokeSession).toDynamicValue((ctx) => new RevokeSession(ctx.get(SESSION_STORE), ctx.get(CLOCK)));
    bind(SignOutEverywhere).toDynamicValue(
      (ctx) => new SignOutEverywhere(ctx.get(SESSION_STORE), ctx.get(CLOCK)),
    );
    bind(UserQueries).toDynamicValue((ctx) => new UserQueries(ctx.get(USER_REPOSITORY)));
  });
