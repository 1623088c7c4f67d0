import { ContainerModule } from "inversify";
import { SmtpMailer } from "../adapters/mail/smtp.mailer.js";
import { PgMailSource, PgPasswordResetStore } from "../adapters/postgres/mail.source.pg.js";
import {
  ConfirmPasswordReset,
  RequestPasswordReset,
} from "../application/commands/accounts/password-reset.js";
import type { Config } from "../config.js";
import { CLOCK } from "../ports/clock.js";
import { COMMON_PASSWORDS } from "../ports/common-passwords.js";
import type { Logger } from "../ports/logger.js";
import {
  MAIL_SOURCE,
  MAILER,
  type Mailer,
  type MailSource,
  PASSWORD_RESET_STORE,
  type PasswordResetStore,
} from "../ports/mail.js";
import { PASSWORD_HASHER } from "../ports/password-hasher.js";
import { PASSWORD_RESET_EMAIL_LIMITER } from "../ports/rate-limiter.js";
import { SESSION_TOKENS } from "../ports/token.js";
import { UNIT_OF_WORK } from "../ports/unit-of-work.js";
import type { Infrastructure } from "./infrastructure.js";

/** The address part of MAIL_FROM (`Name <a@b>` or `a@b`): its domain ends every Message-ID. */
export const mailDomainOf = (from: string): string => {
  const address = /<([^<>]+)>/.exec(from)?.[1] ?? from;
  return address.slice(address.lastIndexOf("@") + 1).trim();
};

/**
 * Email (the workers send it, workers.ts) and the password reset routes. The Mailer is bound only when
 * SMTP_URL is set: without it nothing is mailed.
 */
export const mailModule = (infra: Infrastructure, config: Config, logger: Logger) =>
  new ContainerModule(({ bind }) => {
    bind<MailSource>(MAIL_SOURCE).toConstantValue(new PgMailSource(infra.pool));
    bind<PasswordResetStore>(PASSWORD_RESET_STORE).toConstantValue(new PgPasswordResetStore(infra.pool));
    if (config.SMTP_URL) {
      bind<Mailer>(MAILER).toConstantValue(new SmtpMailer(config.SMTP_URL, config.MAIL_FROM));
    }
    bind(RequestPasswordReset).toDynamicValue(
      (ctx) =>
        new RequestPasswordReset({
          resets: ctx.get(PASSWORD_RESET_STORE),
          perEmail: ctx.get(PASSWORD_RESET_EMAIL_LIMITER),
          clock: ctx.get(CLOCK),
          logger,
        }),
    );
    bind(ConfirmPasswordReset).toDynamicValue(
      (ctx) =>
        new ConfirmPasswordReset({
          uow: ctx.get(UNIT_OF_WORK),
          hasher: ctx.get(PASSWORD_HASHER),
          commonPasswords: ctx.get(COMMON_PASSWORDS),
          tokens: ctx.get(SESSION_TOKENS),
          clock: ctx.get(CLOCK),
        }),
    );
  });
