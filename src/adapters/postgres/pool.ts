import { createPool, type DatabasePool } from "slonik";

export interface PgPoolOptions {
  readonly databaseUrl: string;
  readonly maximumPoolSize: number;
}

export async function createPgPool(options: PgPoolOptions): Promise<DatabasePool> {
  return createPool(options.databaseUrl, {
    maximumPoolSize: options.maximumPoolSize,
    connectionTimeout: 5_000,
    statementTimeout: 15_000,
    idleInTransactionSessionTimeout: 15_000,
    // slonik's default reset runs DISCARD ALL on every release; there is no session state to discard here,
    // and `null` would break connection release (see STACK.md), so skip it with a no-op.
    resetConnection: async () => {},
  });
}
