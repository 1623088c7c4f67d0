import {
  BackendTerminatedError,
  BackendTerminatedUnexpectedlyError,
  ConnectionError,
  IdleTransactionTimeoutError,
  StatementCancelledError,
  StatementTimeoutError,
} from "slonik";

/** SQLSTATE classes of a database that is going away or not there: 08 connection, 57P0x shutdown. */
const UNAVAILABLE_SQLSTATE = /^(08|57P0)/;
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND"]);

/**
 * Whether an error means "Postgres is unreachable or cut the connection", not "this request is wrong":
 * the transaction did not commit (or its outcome is unknown and an Idempotency-Key retry settles it),
 * so the client is told 503 and may retry, never 500.
 */
export function isPostgresUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (
      e instanceof BackendTerminatedError ||
      e instanceof BackendTerminatedUnexpectedlyError ||
      e instanceof ConnectionError ||
      e instanceof IdleTransactionTimeoutError ||
      e instanceof StatementCancelledError ||
      e instanceof StatementTimeoutError
    ) {
      return true;
    }
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (UNAVAILABLE_SQLSTATE.test(code) || UNREACHABLE_CODES.has(code)))
      return true;
    if (e instanceof Error && /Connection terminated|connection timeout/i.test(e.message)) return true;
  }
  return false;
}
