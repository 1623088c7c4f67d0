import type { DatabasePool } from "slonik";
import { err, type Result } from "../../domain/shared/result.js";
import type { TransactionScope, UnitOfWork } from "../../ports/unit-of-work.js";
import { AppendedRows } from "./appended-rows.pg.js";
import { domainErrorOfConstraint } from "./constraint-errors.js";
import { pgTransactionScope } from "./scope.pg.js";

/** Thrown only to make slonik roll back; never escapes run(). */
class Rollback {
  constructor(readonly result: Result<never>) {}
}

/**
 * A transaction PostgreSQL rolls back to break a deadlock is run again by slonik (its handler called
 * anew, `transactionRetryLimit` times), so `work` must touch nothing outside the database.
 */
export class PgUnitOfWork implements UnitOfWork {
  constructor(private readonly pool: DatabasePool) {}

  async run<T>(work: (scope: TransactionScope) => Promise<Result<T>>): Promise<Result<T>> {
    try {
      return await this.pool.transaction(async (tx) => {
        const appended = new AppendedRows();
        const result = await work(pgTransactionScope(tx, appended));
        if (!result.ok) throw new Rollback(result);
        await appended.flush(tx);
        return result;
      });
    } catch (error) {
      if (error instanceof Rollback) return error.result;
      const domainError = domainErrorOfConstraint(error);
      if (domainError) return err(domainError);
      throw error;
    }
  }
}
