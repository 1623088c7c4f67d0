import { type Config, loadConfig } from "../../src/config.js";
import { TEST_REDIS_CLUSTER_URL } from "./redis-cluster.js";

/** Tests use their own database and their own search Redis, never the development ones. */

/**
 * The test index keeps every doctor the suites ever created, and the suites share 2 cores: a 5 ms
 * search timeout (production's default) could cut a test's search short on RediSearch 2.x and drop
 * the doctor it looks for. Tests of the timeout itself set their own.
 */
export const TEST_SEARCH_TIMEOUT_MS = "500";
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/doctorly_test";
/** The streaming replica scripts/replica.sh makes of the test cluster (same database, port 5433). */
export const TEST_DATABASE_READ_URL =
  process.env.TEST_DATABASE_READ_URL ??
  (() => {
    const u = new URL(TEST_DATABASE_URL);
    u.port = "5433";
    return u.href;
  })();
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6381";

/**
 * The second configuration of `npm test` (the vitest project `cluster`, which sets TEST_REDIS_ON_CLUSTER):
 * the cache, counter and queue roles on the local Redis Cluster of scripts/redis-cluster.sh, search on the
 * standalone RediSearch server of TEST_REDIS_URL. tests/support/test-redis.ts checks that every client the
 * suites make, and every server they start, is on the cluster then.
 */
export const TEST_ON_REDIS_CLUSTER = process.env.TEST_REDIS_ON_CLUSTER === "true";
const REDIS_ROLES: Readonly<Record<string, string>> = TEST_ON_REDIS_CLUSTER
  ? { REDIS_CLUSTER: "true", REDIS_URL: TEST_REDIS_CLUSTER_URL, SEARCH_REDIS_URL: TEST_REDIS_URL }
  : { REDIS_URL: TEST_REDIS_URL };

/**
 * The settings every test process runs with, in-process (`testConfig`) or spawned (`traffic.ts`). The
 * suites register, search and upload far more from 127.0.0.1 than one client may: the per-client limits
 * are lifted here, and the tests of the limits set their own.
 */
export const TEST_ENV: Readonly<Record<string, string>> = {
  DATABASE_URL: TEST_DATABASE_URL,
  ...REDIS_ROLES,
  PUBLIC_BASE_URL: "http://doctorly.test",
  SEARCH_INDEX: "doctorly:test:idx:doctors",
  SEARCH_TIMEOUT_MS: TEST_SEARCH_TIMEOUT_MS,
  REGISTRATIONS_PER_HOUR: "1000000",
  SEARCHES_PER_MINUTE: "10000000",
  UPLOADS_PER_HOUR: "1000000",
  PASSWORD_RESETS_PER_HOUR: "1000000",
  // The suites share two cores with PostgreSQL, Redis, a replica and a cluster: a process's event loop
  // lags past any bound now and then, and a 503 there tests nothing. The shedding test sets its own.
  SHED_MAX_EVENT_LOOP_DELAY_MS: "0",
};

/**
 * Caps high enough for the load and fault tests (soak, faults during traffic): they book hundreds of
 * seats as one account into the same sittings, to measure answers and integrity under load and faults,
 * not the caps (tests/e2e/trust-and-limits.test.ts proves those, at their defaults). Nothing else may
 * raise them.
 */
export const VOLUME_LIMITS: Readonly<Record<string, string>> = {
  MAX_PATIENTS_PER_ACCOUNT: "1000000",
  MAX_LIVE_APPOINTMENTS_PER_ACCOUNT: "1000000",
  MAX_SEATS_PER_SITTING_PER_ACCOUNT: "200",
};

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    ...TEST_ENV,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ...overrides,
  });
}
