import { defineConfig } from "vitest/config";

// Integration and e2e files share one test database and one search Redis, so they run one file at a time.
// Every worker's relay takes outbox events from that one database, and only the delivery files' workers
// mail: they run as a group of their own (groupOrder 1; vitest runs it before the one-at-a-time group of
// the other integration and e2e files), so no other relay, not even one a fault test left behind, takes
// their notices.
const DELIVERY = [
  "tests/e2e/mail.test.ts",
  "tests/e2e/password-reset.test.ts",
  "tests/e2e/reliability/delivery-outage.test.ts",
];
/**
 * The second configuration: the cache, limiter, near-cache and queue integration tests and the booking and
 * read-side e2e run again with the cache, counters and queues on the local Redis Cluster of
 * scripts/redis-cluster.sh (search stays on the RediSearch server). tests/support/test-redis.ts makes
 * their clients from the switch below and refuses one that is not a Cluster. They run after the other
 * groups (groupOrder 2), the integration and the e2e files side by side as in the first configuration.
 */
const ON_CLUSTER = { TEST_REDIS_ON_CLUSTER: "true" };
const CLUSTER_INTEGRATION = [
  "tests/integration/cache/**/*.test.ts",
  "tests/integration/projections/**/*.test.ts",
];
const CLUSTER_E2E = ["tests/e2e/appointments.test.ts", "tests/e2e/read-side.test.ts"];
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts", "tests/architecture/**/*.test.ts"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "integration",
          globalSetup: ["tests/support/global-setup.ts"],
          include: ["tests/integration/**/*.test.ts"],
          fileParallelism: false,
          sequence: { groupOrder: 0 },
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          globalSetup: ["tests/support/e2e-setup.ts"],
          include: ["tests/e2e/**/*.test.ts"],
          exclude: DELIVERY,
          fileParallelism: false,
          sequence: { groupOrder: 0 },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e-delivery",
          globalSetup: ["tests/support/e2e-setup.ts"],
          include: DELIVERY,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration-cluster",
          globalSetup: ["tests/support/global-setup.ts", "tests/support/cluster-setup.ts"],
          setupFiles: ["tests/support/on-cluster.ts"],
          include: CLUSTER_INTEGRATION,
          env: ON_CLUSTER,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e-cluster",
          globalSetup: ["tests/support/e2e-setup.ts", "tests/support/cluster-setup.ts"],
          setupFiles: ["tests/support/on-cluster.ts"],
          include: CLUSTER_E2E,
          env: ON_CLUSTER,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
