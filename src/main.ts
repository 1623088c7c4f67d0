import path from "node:path";
import { createLogger } from "./adapters/logging/logger.pino.js";
import { runMigrations } from "./adapters/postgres/migrate.js";
import { ConfigError, loadConfig, projectRoot } from "./config.js";
import { compose, serveHttp, startWorkers } from "./container.js";

/**
 * `npm start`: migrations, then the API on PORT and the projection workers; `--api` runs only the API,
 * `--worker` only the workers. SIGTERM/SIGINT finish in-flight requests and jobs and close pools.
 */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  await runMigrations(config.DATABASE_MIGRATION_URL, path.join(projectRoot, "migrations"), logger, {
    appRole: config.DATABASE_APP_ROLE,
  });
  const runtime = await compose(config, logger);
  const flags = new Set(process.argv.slice(2));
  const runApi = flags.has("--api") || !flags.has("--worker");
  const runWorkers = flags.has("--worker") || !flags.has("--api");
  const workers = runWorkers ? startWorkers(runtime) : null;
  const server = runApi
    ? serveHttp(runtime, { port: config.PORT, hostname: config.HOST }, (info) =>
        logger.info({ port: info.port, docs: `${config.PUBLIC_BASE_URL}/` }, "api listening"),
      )
    : null;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await workers?.close();
    await runtime.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error("doctorly failed to start:", error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
