import { type DatabasePool, sql } from "slonik";
import { z } from "zod";
import type { Result } from "../../domain/shared/result.js";
import type { HealthCheck } from "../../ports/health.js";
import type { Logger } from "../../ports/logger.js";
import type { TransactionScope, UnitOfWork } from "../../ports/unit-of-work.js";
import { isPostgresUnavailable } from "./unavailable.js";

/** What the read models need of a pool: one-statement reads, never a transaction. */
export type ReadPool = Pick<
  DatabasePool,
  "any" | "anyFirst" | "exists" | "many" | "maybeOne" | "maybeOneFirst" | "one" | "oneFirst"
>;

/**
 * The highest commit position (WAL LSN) of any write of this application, shared by every process.
 * A read may go to the replica only once the replica has replayed this far (docs/adr/0012).
 */
export interface WriteFence {
  /** Null when nothing is recorded (first start, or the store lost it). */
  current(): Promise<bigint | null>;
  /** Raises the fence to `lsn` (never lowers it). */
  advance(lsn: bigint): Promise<void>;
}

/** `16/B374D848` → 0x16B374D848. */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match) throw new Error(`not an LSN: ${text}`);
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

const lsnRow = z.object({ lsn: z.string().nullable() });
const READ_METHODS = [
  "any",
  "anyFirst",
  "exists",
  "many",
  "maybeOne",
  "maybeOneFirst",
  "one",
  "oneFirst",
] as const;
/** A replica that cannot serve a query now: gone, or replay cancelled it (SQLSTATE 40001 on a standby). */
const replicaCannotServe = (error: unknown) =>
  isPostgresUnavailable(error) || (error as { code?: unknown }).code === "40001";

export interface ReplicaRouterOptions {
  /** How often the replica's replay position is read. A stale reading only sends more reads to the primary. */
  readonly pollMs?: number;
}

/**
 * Sends the lag-tolerant reads to the replica when it has replayed past the write fence, to the primary
 * otherwise, and to the primary whenever the replica does not answer (the replica is then re-polled in
 * the background). Every write of the app raises the fence after its commit (FencingUnitOfWork), so no
 * read — by the writer or anyone else, cache fills included — sees data older than a committed write.
 */
export class ReplicaReadRouter {
  /** The replica's replay position at the last poll; null while it does not answer (or is not a standby). */
  private replayed: bigint | null = null;
  /** This process's own highest write: the fence still holds for it when the shared store does not answer. */
  private ownFence = 0n;
  private readonly timer: NodeJS.Timeout;
  private polling: Promise<void> | null = null;
  private replicaWasUp: boolean | null = null;

  constructor(
    private readonly primary: DatabasePool,
    private readonly replica: DatabasePool,
    private readonly fence: WriteFence,
    private readonly logger: Logger,
    options: ReplicaRouterOptions = {},
  ) {
    this.timer = setInterval(() => void this.poll(), options.pollMs ?? 100);
    this.timer.unref();
    void this.poll();
  }

  /** The pool the read models use: each statement goes where the fence allows. */
  readonly pool: ReadPool = Object.fromEntries(
    READ_METHODS.map((method) => [
      method,
      async (...args: unknown[]) => {
        const call = (pool: DatabasePool) => (pool[method] as (...a: unknown[]) => Promise<unknown>)(...args);
        if (!(await this.replicaMayServe())) return call(this.primary);
        try {
          return await call(this.replica);
        } catch (error) {
          if (!replicaCannotServe(error)) throw error;
          this.markDown(error);
          return call(this.primary);
        }
      },
    ]),
  ) as unknown as ReadPool;

  /** After a commit on the primary: raise the fence to the primary's WAL position, which is past the commit. */
  async fenceAfterCommit(): Promise<void> {
    const lsn = await this.primaryPosition();
    if (lsn > this.ownFence) this.ownFence = lsn;
    await this.fence
      .advance(lsn)
      .catch((error: unknown) =>
        this.logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          "write fence not shared; other processes read from the primary until it is",
        ),
      );
  }

  /** /ready: the replica answers and is replaying. Not critical: reads fall back to the primary. */
  readonly healthCheck: HealthCheck = {
    name: "postgres-replica",
    roles: ["read model"],
    critical: false,
    check: async () => {
      await this.poll();
      if (this.replayed === null) throw new Error("the replica does not answer or is not replaying");
    },
  };

  close(): void {
    clearInterval(this.timer);
  }

  private async replicaMayServe(): Promise<boolean> {
    const replayed = this.replayed;
    if (replayed === null) return false;
    let fence: bigint | null;
    try {
      fence = await this.fence.current();
    } catch {
      return false;
    }
    if (fence === null) {
      // Nothing recorded: the fence is wherever the primary is now (older writes are all before it).
      fence = await this.primaryPosition();
      await this.fence.advance(fence).catch(() => undefined);
    }
    return replayed >= (fence > this.ownFence ? fence : this.ownFence);
  }

  private async primaryPosition(): Promise<bigint> {
    const lsn = await this.primary.oneFirst(sql.type(lsnRow)`SELECT pg_current_wal_lsn()::text AS lsn`);
    if (lsn === null) throw new Error("the primary reported no WAL position");
    return parseLsn(lsn);
  }

  private poll(): Promise<void> {
    this.polling ??= this.replica
      .oneFirst(sql.type(lsnRow)`SELECT pg_last_wal_replay_lsn()::text AS lsn`)
      .then((lsn) => {
        this.replayed = lsn === null ? null : parseLsn(lsn);
        this.report(this.replayed !== null, lsn === null ? "not a standby" : undefined);
      })
      .catch((error: unknown) => this.markDown(error))
      .finally(() => {
        this.polling = null;
      });
    return this.polling;
  }

  private markDown(error: unknown) {
    this.replayed = null;
    this.report(false, error instanceof Error ? error.message : String(error));
  }

  private report(up: boolean, reason?: string) {
    if (this.replicaWasUp === up) return;
    this.replicaWasUp = up;
    if (up) this.logger.info({}, "read replica serving lag-tolerant reads");
    else this.logger.warn({ err: reason }, "read replica unavailable; reads go to the primary");
  }
}

/** Raises the write fence after every committed transaction, before the command answers. */
export class FencingUnitOfWork implements UnitOfWork {
  constructor(
    private readonly inner: UnitOfWork,
    private readonly router: Pick<ReplicaReadRouter, "fenceAfterCommit">,
  ) {}

  async run<T>(work: (scope: TransactionScope) => Promise<Result<T>>): Promise<Result<T>> {
    const result = await this.inner.run(work);
    if (result.ok) await this.router.fenceAfterCommit();
    return result;
  }
}
