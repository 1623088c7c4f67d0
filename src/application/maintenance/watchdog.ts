import type { DoctorDocumentSource, DoctorSearchIndex } from "../../ports/doctor-search.js";
import type { Logger } from "../../ports/logger.js";
import type { VisitReadModel } from "../../ports/visit.read-model.js";
import { rebuildDoctorIndex } from "../projections/doctor-projector.js";
import type { Reminders } from "../projections/reminders.js";
import type { PurgeSchedule } from "./purges.js";

/** How often the workers check the index (and run the purges that are due). */
const INDEX_WATCH_MS = 2_000;
/** The pause after a check that failed (Redis not answering, say). */
const INDEX_RETRY_MS = 1_000;

export interface IndexWatchdogDeps {
  readonly index: DoctorSearchIndex;
  readonly source: DoctorDocumentSource;
  readonly reminders: Pick<Reminders, "replanUpcoming">;
  readonly visits: Pick<VisitReadModel, "liveAppointmentsFrom">;
  readonly logger: Logger;
}

/**
 * A watchdog, not a one-off: Redis may be connecting when the worker starts, and a Redis that restarts
 * without its data loses the index and any queued jobs. Whenever the index is missing it is recreated
 * and rebuilt from Postgres, and the delayed reminders are planned again, so nothing is lost for good.
 */
export class IndexWatchdog {
  /** Set when the index was found missing, until the reminders have been planned again. */
  private remindersLost = false;

  constructor(private readonly deps: IndexWatchdogDeps) {}

  /** One check; false when it failed (the caller tries again sooner). Never throws. */
  async check(): Promise<boolean> {
    const { index, source, reminders, visits, logger } = this.deps;
    try {
      const { created } = await index.ensureIndex();
      if (created) {
        this.remindersLost = true;
        const { indexed } = await rebuildDoctorIndex(source, index);
        logger.info({ indexed }, "doctor index was missing: rebuilt from postgres");
      }
      if (this.remindersLost) {
        const appointments = await reminders.replanUpcoming(visits);
        this.remindersLost = false;
        logger.info({ appointments }, "reminders planned again from postgres");
      }
      return true;
    } catch (error) {
      logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        "doctor index check failed",
      );
      return false;
    }
  }
}

export interface MaintenanceOptions {
  readonly everyMs?: number;
  readonly retryMs?: number;
}

/**
 * The workers' maintenance loop: at start and then every `everyMs`, the purges that are due, then the
 * index check (`retryMs` after a check that failed). `stop` ends it at once and resolves after the round
 * in progress.
 */
export function startMaintenance(
  watchdog: Pick<IndexWatchdog, "check">,
  purges: Pick<PurgeSchedule, "runDue">,
  options: MaintenanceOptions = {},
): { stop(): Promise<void> } {
  const everyMs = options.everyMs ?? INDEX_WATCH_MS;
  const retryMs = options.retryMs ?? INDEX_RETRY_MS;
  let stopping = false;
  let wake = () => {};
  const loop = (async () => {
    while (!stopping) {
      await purges.runDue();
      const pause = (await watchdog.check()) ? everyMs : retryMs;
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return {
    async stop() {
      stopping = true;
      wake();
      await loop;
    },
  };
}
