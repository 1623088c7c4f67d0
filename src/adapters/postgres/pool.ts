import { createPool, type DatabasePool, type Interceptor, SchemaValidationError } from "slonik";

/**
 * Rows of `sql.type(schema)` queries are parsed by their zod schema, so a row that does not match
 * fails loudly and transforms (e.g. epoch millis → Date) apply.
 */
const parseRows: Interceptor = {
  name: "doctorly:parse-rows",
  transformRow: (context, query, row) => {
    if (!context.resultParser) return row;
    const parsed = context.resultParser.safeParse(row);
    if (!parsed.success) throw new SchemaValidationError(query, row, parsed.error.issues);
    return parsed.data as typeof row;
  },
};

export interface PgPoolOptions {
  readonly databaseUrl: string;
  readonly maximumPoolSize: number;
}

export async function createPgPool(options: PgPoolOptions): Promise<DatabasePool> {
  return createPool(options.databaseUrl, {
    maximumPoolSize: options.maximumPoolSize,
    interceptors: [parseRows],
    connectionTimeout: 5_000,
    statementTimeout: 15_000,
    idleInTransactionSessionTimeout: 15_000,
    // slonik's default reset runs DISCARD ALL on every release; there is no session state to discard here,
    // and `null` would break connection release (see STACK.md), so skip it with a no-op.
    resetConnection: async () => {},
  });
}
