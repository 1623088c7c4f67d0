import path from "node:path";
import { createLogger } from "../../src/adapters/logging/logger.pino.js";
import { runMigrations } from "../../src/adapters/postgres/migrate.js";
import { projectRoot } from "../../src/config.js";
import { TEST_DATABASE_URL } from "./env.js";

/** Brings the test database to the latest schema once per run (the services script created it). */
export default async function setup() {
  await runMigrations(TEST_DATABASE_URL, path.join(projectRoot, "migrations"), createLogger("warn"));
}
