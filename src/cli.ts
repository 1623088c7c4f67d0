import path from "node:path";
import { createLogger } from "./adapters/logging/pino.js";
import { runMigrations } from "./adapters/postgres/migrate.js";
import { ConfigError, loadConfig, projectRoot } from "./config.js";

/** Operator commands: `tsx src/cli.ts <command> [--flags]`. */
const commands: Record<string, (argv: string[]) => Promise<void>> = {
  async migrate() {
    const config = loadConfig();
    const count = await runMigrations(
      config.DATABASE_URL,
      path.join(projectRoot, "migrations"),
      createLogger(config.LOG_LEVEL),
    );
    console.log(count === 0 ? "migrations: up to date" : `migrations: ${count} applied`);
  },
};

async function cli() {
  const [name, ...rest] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(`usage: tsx src/cli.ts <${Object.keys(commands).join("|")}> [options]`);
    process.exit(2);
  }
  await command(rest);
}

cli().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? error.message
      : `failed: ${error instanceof Error ? error.message : error}`,
  );
  process.exit(1);
});
