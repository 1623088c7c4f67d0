import { ContainerModule } from "inversify";
import { MemoryAttemptLimiter, RedisAttemptLimiter } from "../adapters/redis/attempt-limiter.redis.js";
import type { Config } from "../config.js";
import type { Limits } from "../domain/user/limits.js";
import type { Logger } from "../ports/logger.js";
import {
  type AttemptLimiter,
  PASSWORD_RESET_CLIENT_LIMITER,
  PASSWORD_RESET_EMAIL_LIMITER,
  REGISTRATION_LIMITER,
  SEARCH_LIMITER,
  SIGN_IN_CLIENT_LIMITER,
  SIGN_IN_PAIR_LIMITER,
  UPLOAD_LIMITER,
} from "../ports/rate-limiter.js";
import type { Infrastructure } from "./infrastructure.js";

/** The caps of API.md "Trust and limits", from their settings. */
export const limitsOf = (config: Config): Limits => ({
  patientsPerAccount: config.MAX_PATIENTS_PER_ACCOUNT,
  liveAppointmentsPerAccount: config.MAX_LIVE_APPOINTMENTS_PER_ACCOUNT,
  seatsPerSittingPerAccount: config.MAX_SEATS_PER_SITTING_PER_ACCOUNT,
  waitingEntriesPerAccount: config.MAX_WAITING_ENTRIES_PER_ACCOUNT,
  slotsPerDoctor: config.MAX_SLOTS_PER_DOCTOR,
});

/**
 * The per-client and per-account limits of API.md "Trust and limits". Sign-in, registration, password
 * resets and uploads count in Redis (shared by every API process; in memory while Redis does not
 * answer); search counts in each process's memory, so that a search costs Redis nothing more than its
 * query.
 */
export const limitsModule = (infra: Infrastructure, config: Config, logger: Logger) =>
  new ContainerModule(({ bind }) => {
    const shared = (name: string, attempts: number, windowSeconds: number) =>
      new RedisAttemptLimiter(infra.redis, { name, attempts, windowSeconds }, logger);
    bind<AttemptLimiter>(SIGN_IN_PAIR_LIMITER).toConstantValue(
      shared("sign-in-pair", config.LOGIN_MAX_FAILURES, config.LOGIN_WINDOW_SECONDS),
    );
    bind<AttemptLimiter>(SIGN_IN_CLIENT_LIMITER).toConstantValue(
      shared("sign-in-client", config.LOGIN_MAX_DAILY_FAILURES, 86_400),
    );
    bind<AttemptLimiter>(REGISTRATION_LIMITER).toConstantValue(
      shared("registration", config.REGISTRATIONS_PER_HOUR, 3_600),
    );
    bind<AttemptLimiter>(PASSWORD_RESET_CLIENT_LIMITER).toConstantValue(
      shared("password-reset-client", config.PASSWORD_RESETS_PER_HOUR, 3_600),
    );
    bind<AttemptLimiter>(PASSWORD_RESET_EMAIL_LIMITER).toConstantValue(
      shared("password-reset-email", config.PASSWORD_RESETS_PER_EMAIL_PER_HOUR, 3_600),
    );
    bind<AttemptLimiter>(UPLOAD_LIMITER).toConstantValue(shared("upload", config.UPLOADS_PER_HOUR, 3_600));
    bind<AttemptLimiter>(SEARCH_LIMITER).toConstantValue(
      new MemoryAttemptLimiter({ name: "search", attempts: config.SEARCHES_PER_MINUTE, windowSeconds: 60 }),
    );
  });
