import { type Config, loadConfig } from "../../src/config.js";

/** Tests use their own database and their own search Redis, never the development ones. */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/doctorly_test";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6381";

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    PUBLIC_BASE_URL: "http://doctorly.test",
    SEARCH_INDEX: "doctorly:test:idx:doctors",
    ...overrides,
  });
}
