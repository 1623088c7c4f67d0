import type { JobQueue } from "../../ports/job-queue.js";
import type { Logger } from "../../ports/logger.js";
import type { OutboxReader } from "../../ports/outbox-reader.js";
import type { ProjectionBatch } from "./projection-event.js";

export interface OutboxRelayOptions {
  readonly batchSize?: number;
  /** Pause after a batch that was not full (the outbox is drained). */
  readonly idleMs?: number;
  /** Pause after a failure (Postgres or Redis away) before trying again. */
  readonly errorBackoffMs?: number;
}

/**
 * The job id of the outbox entries one relay pass published (in id order): the queue collapses a second
 * job with the same id, so the same pass published twice is projected once.
 */
export const jobIdOfOutboxBatch = (outboxIds: readonly string[]) =>
  outboxIds.length === 1
    ? `outbox-${outboxIds[0]}`
    : `outbox-${outboxIds[0]}-${outboxIds.at(-1)}-${outboxIds.length}`;

/**
 * Moves outbox entries to the job queue at least once, one job per batch it takes: the projector then
 * reads each changed doctor once per batch and writes the index in one go, instead of once per event.
 * Any number of relays may run: SKIP LOCKED gives each its own rows. A batch published again after a
 * crash collapses by job id, or (when the retry takes more rows) is applied again, which changes
 * nothing: every projection recomputes its state from Postgres.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly errorBackoffMs: number;
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly outbox: OutboxReader,
    private readonly queue: JobQueue,
    private readonly logger: Logger,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.idleMs = options.idleMs ?? 150;
    this.errorBackoffMs = options.errorBackoffMs ?? 1_000;
  }

  /** Publishes one batch; returns how many entries it published. */
  relayOnce(): Promise<number> {
    return this.outbox.publishBatch(this.batchSize, (entries) =>
      this.queue.enqueue([
        {
          id: jobIdOfOutboxBatch(entries.map((e) => e.id)),
          // What `projections:failed` shows: the kinds of events in the batch.
          name: [...new Set(entries.map((e) => e.type))].join(",").slice(0, 200),
          data: {
            events: entries.map((e) => ({ outboxId: e.id, type: e.type, payload: e.payload })),
          } satisfies ProjectionBatch,
        },
      ]),
    );
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = null;
  }

  private async loop(): Promise<void> {
    let failing = false;
    while (!this.stopping) {
      let pause = this.idleMs;
      try {
        const published = await this.relayOnce();
        if (failing) this.logger.info("outbox relay recovered");
        failing = false;
        if (published === this.batchSize) pause = 0;
      } catch (error) {
        if (!failing) {
          this.logger.warn(
            { err: error instanceof Error ? error.message : String(error) },
            "outbox relay failed",
          );
        }
        failing = true;
        pause = this.errorBackoffMs;
      }
      if (pause > 0 && !this.stopping) await this.sleep(pause);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
