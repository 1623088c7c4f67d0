export interface QueuedJob {
  /** Unique per fact: adding a job whose id is already queued (or recently finished) is a no-op. */
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  /** Run no earlier than this many milliseconds from now. */
  readonly delayMs?: number;
}

export interface FailedJob {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly failedReason: string;
  readonly attemptsMade: number;
  readonly failedAt: string | null;
}

export interface JobQueue {
  enqueue(jobs: readonly QueuedJob[]): Promise<void>;
  /** Jobs that used up their retries, newest first. */
  failed(limit: number): Promise<readonly FailedJob[]>;
  /** Moves every failed job back to the queue with fresh attempts; returns how many. */
  retryFailed(): Promise<number>;
}

/** What a job handler receives; throwing makes the job retry with backoff, then land in the failed set. */
export interface ReceivedJob {
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly attemptsMade: number;
}

export type JobHandler = (job: ReceivedJob) => Promise<void>;
