import path from "node:path";
import { serve } from "@hono/node-server";
import { createLogger } from "./adapters/logging/pino.js";
import { runMigrations } from "./adapters/postgres/migrate.js";
import { ConfigError, loadConfig, projectRoot } from "./config.js";
import { buildHttpApp, compose } from "./container.js";

/** `npm start`: migrations, then the API on PORT. SIGTERM/SIGINT finish in-flight requests and close pools. */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  await runMigrations(config.DATABASE_URL, path.join(projectRoot, "migrations"), logger);
  const runtime = await compose(config, logger);
  const app = buildHttpApp(runtime);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) =>
    logger.info({ port: info.port, docs: `${config.PUBLIC_BASE_URL}/` }, "api listening"),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await new Promise<void>((resolve) => server.close(() => resolve()));
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
