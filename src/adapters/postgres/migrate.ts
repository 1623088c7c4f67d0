import path from "node:path";
import { runner } from "node-pg-migrate";
import pg from "pg";
import type { Logger } from "../../ports/logger.js";

export interface MigrationOptions {
  /**
   * DATABASE_APP_ROLE: the role the app connects as (DATABASE_URL), which must already exist. After the
   * migrations it is granted data access only: SELECT, INSERT, UPDATE and DELETE on every table and
   * USAGE on every sequence of schema public, nothing else (no CREATE, ALTER, DROP or TRUNCATE).
   * Granted again on every run, so tables added by later migrations are covered.
   */
  readonly appRole?: string;
}

/** A role name the grants can quote safely; config.ts checks the setting with the same rule. */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Applies every pending plain-SQL migration in `migrations/` (node-pg-migrate keeps the ledger and a
 * lock), as the role of `databaseUrl` (DATABASE_MIGRATION_URL: the owner of the schema), then grants the
 * app role its data access.
 */
export async function runMigrations(
  databaseUrl: string,
  migrationsDir: string,
  logger: Logger,
  options: MigrationOptions = {},
): Promise<number> {
  const applied = await runner({
    databaseUrl,
    dir: path.resolve(migrationsDir),
    direction: "up",
    migrationsTable: "pgmigrations",
    singleTransaction: true,
    // Replicas started together (API processes and workers) wait for the one that migrates, then find
    // nothing to do, instead of failing to start.
    advisoryLockMode: "wait",
    log: (message: string) => logger.debug({ migration: message }, "migration"),
  });
  if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, "migrations applied");
  if (options.appRole !== undefined) await grantDataAccess(databaseUrl, options.appRole, logger);
  return applied.length;
}

async function grantDataAccess(databaseUrl: string, role: string, logger: Logger): Promise<void> {
  if (!ROLE_NAME.test(role)) throw new Error(`DATABASE_APP_ROLE: not a plain role name: ${role}`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role]);
    if (found.rowCount === 0) {
      throw new Error(
        `DATABASE_APP_ROLE ${role} does not exist: create it first (CREATE ROLE ${role} LOGIN PASSWORD '...'; ` +
          "docker compose does so with scripts/postgres-init/10-app-role.sh)",
      );
    }
    const r = `"${role}"`;
    await client.query("BEGIN");
    // On PostgreSQL 14 and older every role may create tables in schema public; 15+ already refuses.
    await client.query("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    await client.query(`REVOKE ALL ON SCHEMA public FROM ${r}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${r}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
    // The migration ledger is the owner's: the app may read it, never change it.
    await client.query(`REVOKE INSERT, UPDATE, DELETE ON TABLE pgmigrations FROM ${r}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    await client.query("COMMIT");
    logger.info({ role }, "app role granted data access");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
