import path from "node:path";
import { runner } from "node-pg-migrate";
import type { Logger } from "../../ports/logger.js";

/** Applies every pending plain-SQL migration in `migrations/` (node-pg-migrate keeps the ledger and a lock). */
export async function runMigrations(
  databaseUrl: string,
  migrationsDir: string,
  logger: Logger,
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
  return applied.length;
}
