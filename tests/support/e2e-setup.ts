import { createLogger } from "../../src/adapters/logging/logger.pino.js";
import { compose } from "../../src/container.js";
import { testConfig } from "./env.js";
import migrate from "./global-setup.js";
import { buildServingIndex } from "./search-index.js";

/**
 * The e2e suite runs against a deployed system: migrated, with a built search index (as the workers'
 * watchdog leaves it). Test files that need projections to follow their writes start workers themselves.
 */
export default async function setup() {
  await migrate();
  const runtime = await compose(testConfig(), createLogger("warn"));
  try {
    await buildServingIndex(runtime);
  } finally {
    await runtime.close();
  }
}
