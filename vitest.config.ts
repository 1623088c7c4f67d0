import { defineConfig } from "vitest/config";

// Integration and e2e files share one test database and one search Redis, so they run one file at a time.
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: ["tests/unit/**/*.test.ts", "tests/architecture/**/*.test.ts"] } },
      {
        test: {
          name: "integration",
          globalSetup: ["tests/support/global-setup.ts"],
          include: ["tests/integration/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 20_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          globalSetup: ["tests/support/e2e-setup.ts"],
          include: ["tests/e2e/**/*.test.ts"],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
