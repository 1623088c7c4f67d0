import { writeFileSync } from "node:fs";
import { createLogger } from "../src/adapters/logging/logger.pino.js";
import { loadConfig } from "../src/config.js";
import { buildHttpApp, compose } from "../src/container.js";

/**
 * Writes the OpenAPI document the app serves at /openapi.json to a file (default: stdout), composing the
 * app as in production but answering the request in-process: no port is opened. Composing opens the
 * database pool (slonik reads the type catalogue), so DATABASE_URL must name a database that exists;
 * `npm run lint:openapi` points it at the test database that `npm run services:test` creates.
 * Usage: tsx scripts/openapi-dump.ts [out.json]
 */
async function main() {
  const config = loadConfig({ ...process.env, LOG_LEVEL: "silent" });
  const runtime = await compose(config, createLogger(config.LOG_LEVEL));
  try {
    const res = await buildHttpApp(runtime).request("/openapi.json");
    if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}: ${await res.text()}`);
    const document = `${JSON.stringify(await res.json(), null, 2)}\n`;
    const out = process.argv[2];
    if (out) writeFileSync(out, document);
    else process.stdout.write(document);
  } finally {
    await runtime.close();
  }
}

main().catch((error: unknown) => {
  console.error("openapi dump failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
