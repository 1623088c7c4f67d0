import type { CommonQueryMethods } from "slonik";
import type { TransactionScope } from "../../ports/unit-of-work.js";
import { PgOutboxWriter } from "./outbox.writer.pg.js";

/** Every repository of a transaction, built on that transaction's connection. */
export function pgTransactionScope(db: CommonQueryMethods): TransactionScope {
  return {
    outbox: new PgOutboxWriter(db),
  };
}
