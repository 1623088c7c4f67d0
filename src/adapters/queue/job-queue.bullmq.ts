import { type ConnectionOptions, type JobsOptions, Queue, Worker } from "bullmq";
import type { Cluster, Redis } from "ioredis";
import type { FailedJob, JobHandler, JobQueue, QueuedJob } from "../../ports/job-queue.js";
import type { Logger } from "../../ports/logger.js";

/** One Redis server or a Redis Cluster (then with a hash-tagged prefix). */
type RedisConnection = Redis | Cluster;

export interface RetryPolicy {
  readonly attempts: number;
  /** First retry delay; each later one doubles. */
  readonly backoffMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 500 };

/**
 * Completed jobs are kept for an hour so that a late duplicate of the same outbox id still collapses;
 * failed jobs are kept until an operator replays them.
 */
const jobOptions = (retry: RetryPolicy): JobsOptions => ({
  attempts: retry.attempts,
  backoff: { type: "exponential", delay: retry.backoffMs },
  removeOnComplete: { age: 3_600, count: 100_000 },
  removeOnFail: false,
});

export class BullJobQueue implements JobQueue {
  private readonly queue: Queue;

  /** `connection` should fail fast (no offline queue): the relay calls this inside a transaction. */
  constructor(
    name: string,
    connection: RedisConnection,
    retry: RetryPolicy = DEFAULT_RETRY,
    /** BullMQ's key prefix; on a Redis Cluster a hash tag (`{doctorly}`) so that each script's keys share a slot. */
    prefix?: string,
  ) {
    this.queue = new Queue(name, {
      connection: connection as unknown as ConnectionOptions,
      ...(prefix ? { prefix } : {}),
      defaultJobOptions: jobOptions(retry),
    });
  }

  async enqueue(jobs: readonly QueuedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue.addBulk(
      jobs.map((j) => ({
        name: j.name,
        data: j.data,
        opts: { jobId: j.id, delay: Math.max(0, j.delayMs ?? 0) },
      })),
    );
  }

  async failed(limit: number): Promise<readonly FailedJob[]> {
    const jobs = await this.queue.getFailed(0, Math.max(0, limit - 1));
    return jobs.map((j) => ({
      id: String(j.id),
      name: j.name,
      data: j.data,
      failedReason: j.failedReason ?? "",
      attemptsMade: j.attemptsMade,
      failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
    }));
  }

  async retryFailed(): Promise<number> {
    let retried = 0;
    for (;;) {
      const jobs = await this.queue.getFailed(0, 99);
      if (jobs.length === 0) return retried;
      for (const job of jobs) {
        await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
        retried++;
      }
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export interface JobWorkerOptions {
  readonly concurrency?: number;
  /** A job whose worker stops renewing its lock (crash) goes back to the queue after this. */
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  /** The queue's key prefix (see BullJobQueue). */
  readonly prefix?: string;
}

export interface JobWorker {
  /** `force` abandons jobs in progress (they are picked up again after their lock expires). */
  close(force?: boolean): Promise<void>;
}

/** `connection` must allow blocking commands forever (`maxRetriesPerRequest: null`). */
export function startJobWorker(
  name: string,
  connection: RedisConnection,
  handler: JobHandler,
  logger: Logger,
  options: JobWorkerOptions = {},
): JobWorker {
  const worker = new Worker(
    name,
    async (job) =>
      handler({ id: String(job.id), name: job.name, data: job.data, attemptsMade: job.attemptsMade }),
    {
      connection: connection as unknown as ConnectionOptions,
      ...(options.prefix ? { prefix: options.prefix } : {}),
      concurrency: options.concurrency ?? 8,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 2,
    },
  );
  worker.on("failed", (job, error) =>
    logger.warn(
      { queue: name, job: job?.id, attempts: job?.attemptsMade, err: error.message },
      "projection job failed",
    ),
  );
  worker.on("error", (error) => logger.warn({ queue: name, err: error.message }, "queue worker error"));
  return { close: (force = false) => worker.close(force) };
}
