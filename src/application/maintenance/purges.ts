import { DAY_MS } from "../../domain/user/session.js";
import type { Clock } from "../../ports/clock.js";
import type { IdempotencyKeyPurger } from "../../ports/idempotency.store.js";
import type { Logger } from "../../ports/logger.js";
import type { PasswordResetStore } from "../../ports/mail.js";
import type { SessionPurger } from "../../ports/session.store.js";

/** How often each purge runs (it also runs once at start). */
export const PURGE_EVERY_MS = 3_600_000;
export const PURGE_BATCH_SIZE = 1_000;

/** Rows that can never be used again, deleted a batch at a time. */
export interface Purge {
  /** Logged with the count when a run deleted anything. */
  readonly done: string;
  /** Logged when a run failed. */
  readonly failed: string;
  /** Deletes at most `limit` of the rows that have ended at `now`; returns how many it deleted. */
  batch(now: Date, limit: number): Promise<number>;
}

/**
 * Batch after batch until one comes back short, so that no sweep holds many row locks or runs one long
 * statement. Returns how many rows were deleted in all.
 */
export async function purgeInBatches(
  batch: (limit: number) => Promise<number>,
  batchSize = PURGE_BATCH_SIZE,
): Promise<number> {
  let purged = 0;
  for (;;) {
    const deleted = await batch(batchSize);
    purged += deleted;
    if (deleted < batchSize) return purged;
  }
}

/** Forgets Idempotency-Keys older than `retentionDays` (IDEMPOTENCY_KEY_DAYS). */
export const idempotencyKeyPurge = (keys: IdempotencyKeyPurger, retentionDays: number): Purge => ({
  done: "expired idempotency keys forgotten",
  failed: "idempotency key purge failed",
  batch: (now, limit) => keys.purgeOlderThan(new Date(now.getTime() - retentionDays * DAY_MS), limit),
});

/** Deletes sessions that have ended (expired or revoked). */
export const sessionPurge = (sessions: SessionPurger): Purge => ({
  done: "ended sessions deleted",
  failed: "session purge failed",
  batch: (now, limit) => sessions.purgeEnded(now, limit),
});

/** Deletes password resets that were used or have expired. */
export const passwordResetPurge = (resets: Pick<PasswordResetStore, "purgeEnded">): Purge => ({
  done: "ended password resets deleted",
  failed: "password reset purge failed",
  batch: (now, limit) => resets.purgeEnded(now, limit),
});

export interface PurgeScheduleOptions {
  readonly everyMs?: number;
  readonly batchSize?: number;
}

/**
 * The workers' purges on a schedule: each is due at the first call, then `everyMs` after it last
 * succeeded. A purge that fails is due again at the next call (the watchdog's next round), not an hour later.
 */
export class PurgeSchedule {
  private readonly nextAt: number[];
  private readonly everyMs: number;
  private readonly batchSize: number;

  constructor(
    private readonly purges: readonly Purge[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: PurgeScheduleOptions = {},
  ) {
    this.nextAt = purges.map(() => Number.NEGATIVE_INFINITY);
    this.everyMs = options.everyMs ?? PURGE_EVERY_MS;
    this.batchSize = options.batchSize ?? PURGE_BATCH_SIZE;
  }

  /** Runs, one after the other, the purges that are due. Never throws. */
  async runDue(): Promise<void> {
    for (const [i, purge] of this.purges.entries()) {
      const now = this.clock.now();
      if (now.getTime() < (this.nextAt[i] as number)) continue;
      try {
        const purged = await purgeInBatches((limit) => purge.batch(now, limit), this.batchSize);
        if (purged > 0) this.logger.info({ purged }, purge.done);
        this.nextAt[i] = now.getTime() + this.everyMs;
      } catch (error) {
        this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, purge.failed);
      }
    }
  }
}
