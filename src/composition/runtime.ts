import "reflect-metadata";
import { Container } from "inversify";
import type { Config } from "../config.js";
import type { Logger } from "../ports/logger.js";
import { accountsModule } from "./accounts.module.js";
import { bookingModule } from "./booking.module.js";
import { calendarModule } from "./calendar.module.js";
import { infrastructureModule, openInfrastructure } from "./infrastructure.js";
import { limitsModule } from "./limits.module.js";
import { mailModule } from "./mail.module.js";
import { mediaModule } from "./media.module.js";
import { readSideModule } from "./read-side.module.js";
import { scheduleModule } from "./schedule.module.js";
import { visitsModule } from "./visits.module.js";
import { webhooksModule } from "./webhooks.module.js";

/** The composition root: the one place that knows which adapter serves which port. */
export interface Runtime {
  readonly container: Container;
  readonly config: Config;
  readonly logger: Logger;
  close(): Promise<void>;
}

/** Opens the connections and binds every feature's module; `buildHttpApp` and `startWorkers` resolve from it. */
export async function compose(config: Config, logger: Logger): Promise<Runtime> {
  const infra = await openInfrastructure(config, logger);
  const container = new Container({ defaultScope: "Singleton" });
  container.load(
    infrastructureModule(infra),
    readSideModule(infra, config, logger),
    limitsModule(infra, config, logger),
    accountsModule(infra, config, logger),
    bookingModule(infra, config),
    scheduleModule(config),
    visitsModule(infra, config),
    mediaModule(infra, config, logger),
    calendarModule(infra, config),
    webhooksModule(infra, config),
    mailModule(infra, config, logger),
  );
  return { container, config, logger, close: () => infra.close() };
}
