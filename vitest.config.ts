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
    ],
  },
});
