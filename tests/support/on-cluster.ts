import { TEST_ON_REDIS_CLUSTER } from "./env.js";

// The setup file of the second configuration's projects: without the switch they would quietly run on one
// Redis server again.
if (!TEST_ON_REDIS_CLUSTER) {
  throw new Error("the cluster projects run with TEST_REDIS_ON_CLUSTER=true (see vitest.config.ts)");
}
