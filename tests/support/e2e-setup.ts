import { createLogger } from "../../src/adapters/logging/pino.js";
import { rebuildDoctorIndex } from "../../src/application/projections/doctor-projector.js";
import { compose } from "../../src/container.js";
import {
  DOCTOR_DOCUMENT_SOURCE,
  DOCTOR_SEARCH_INDEX,
  type DoctorSearchIndex,
} from "../../src/ports/doctor-search.js";
import { testConfig } from "./env.js";
import migrate from "./global-setup.js";

/**
 * The e2e suite runs against a deployed system: migrated, with a built search index (as the workers'
 * watchdog leaves it). Test files that need projections to follow their writes start workers themselves.
 */
export default async function setup() {
  await migrate();
  const runtime = await compose(testConfig(), createLogger("warn"));
  try {
    const index = runtime.container.get<DoctorSearchIndex>(DOCTOR_SEARCH_INDEX);
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const { created } = await index.ensureIndex();
        if (created) await rebuildDoctorIndex(runtime.container.get(DOCTOR_DOCUMENT_SOURCE), index);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await runtime.close();
  }
}
