import type { Result } from "../domain/shared/result.js";
import type { OutboxWriter } from "./outbox.js";

/**
 * The repositories of one transaction. Features add their repositories here; the Postgres adapter
 * builds all of them on the transaction's connection.
 */
export interface TransactionScope {
  readonly outbox: OutboxWriter;
}

/**
 * One command = one transaction. A failed Result rolls the transaction back and is returned as is;
 * a database constraint violation that has a domain meaning is returned as that domain error.
 * Nothing outside the database may be touched inside `work` (the transaction may be retried).
 */
export interface UnitOfWork {
  run<T>(work: (scope: TransactionScope) => Promise<Result<T>>): Promise<Result<T>>;
}

export const UNIT_OF_WORK = Symbol.for("doctorly.UnitOfWork");
