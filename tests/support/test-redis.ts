import { once } from "node:events";
import { type ConnectionOptions, Queue } from "bullmq";
import { Cluster, Redis } from "ioredis";
import { connectQueueRole, connectRole, type RedisConnection } from "../../src/adapters/redis/client.js";
import { queuePrefixOf, redisTargets } from "../../src/config.js";
import { REDIS, type Runtime } from "../../src/container.js";
import { TEST_ON_REDIS_CLUSTER, testConfig } from "./env.js";
import { clusterClient, clusterKeys } from "./redis-cluster.js";

/**
 * Redis clients for the suites that run in both configurations of `npm test` (see TEST_ON_REDIS_CLUSTER):
 * made from the test config as the app makes them, so that the same test talks to one server or to the
 * cluster. Each one is checked: on the cluster configuration a client that is not a Cluster throws,
 * so that a suite cannot silently fall back to the single server.
 */
const config = testConfig();

/** BullMQ's key prefix in this configuration: the `{doctorly}` hash tag on the cluster, BullMQ's default otherwise. */
export const TEST_QUEUE_PREFIX = queuePrefixOf(config);

/** `connection`, after checking it is on the cluster exactly when this configuration says so. */
export function onTestTopology<T extends RedisConnection>(connection: T, what: string): T {
  if (connection instanceof Cluster !== TEST_ON_REDIS_CLUSTER) {
    throw new Error(
      `${what}: ${connection instanceof Cluster ? "a Redis Cluster" : "one Redis server"}, but this configuration ` +
        `runs ${TEST_ON_REDIS_CLUSTER ? "on the Redis Cluster" : "on one Redis server"}`,
    );
  }
  return connection;
}

/** The cache role's connection of a composed runtime (REDIS), checked as above. */
export function runtimeRedis(runtime: Runtime, what = "the app's cache connection"): RedisConnection {
  return onTestTopology(runtime.container.get<RedisConnection>(REDIS), what);
}

/**
 * A connection to a role's Redis made as the app makes it, once it is ready (a fail-fast one refuses
 * commands before): "cache" and "queue" fail fast (the cache's, the relay's), "queue-worker" waits
 * forever (BullMQ's workers).
 */
export async function roleRedis(
  role: "cache" | "queue" | "queue-worker",
  name: string,
): Promise<RedisConnection> {
  const connection = connectingRoleRedis(role, name);
  if (connection.status !== "ready") await once(connection, "ready");
  return connection;
}

/** As roleRedis, but at once, while it is still connecting (what a process that just started has). */
export function connectingRoleRedis(role: "cache" | "queue" | "queue-worker", name: string): RedisConnection {
  const targets = redisTargets(config);
  const connection = onTestTopology(
    role === "queue-worker"
      ? connectQueueRole(targets.queue, name)
      : connectRole(role === "queue" ? targets.queue : targets.cache, name),
    `the ${role} connection ${name}`,
  );
  connection.on("error", () => undefined);
  return connection;
}

/**
 * A plain client of the cache role's Redis for the test's own look at the keys (it queues commands
 * while it connects, like `new Redis(url)`).
 */
export function rawRedis(): RedisConnection {
  return onTestTopology(
    TEST_ON_REDIS_CLUSTER ? clusterClient() : new Redis(config.CACHE_REDIS_URL),
    "the test's own Redis client",
  );
}

/** Every key matching `pattern`: on a cluster, on every master (a cluster's KEYS answers one node's). */
export function keysOf(connection: RedisConnection, pattern: string): Promise<string[]> {
  return connection instanceof Cluster ? clusterKeys(connection, pattern) : connection.keys(pattern);
}

/**
 * Settings that put a Redis the test starts and stops (DisposableRedisSearch) under the app: every role on
 * one server, but on the cluster configuration only search — the cache and queues stay on the cluster
 * (a cluster master's own death is tests/e2e/scale/redis-cluster-faults.test.ts). There the search answers
 * kept in memory are off too: their invalidations travel the cluster, which stays up, so they would answer
 * a repeated search for up to SEARCH_CACHE_TTL_MS after search has gone (on one server the lost
 * subscription stops them at once).
 */
export function disposableRedisSettings(url: string): Record<string, string> {
  return TEST_ON_REDIS_CLUSTER ? { SEARCH_REDIS_URL: url, SEARCH_CACHE_TTL_MS: "0" } : { REDIS_URL: url };
}

/** BullMQ's own Queue over `connection`, with this configuration's prefix: to count, inspect or obliterate. */
export function testQueue(name: string, connection: RedisConnection): Queue {
  return new Queue(name, {
    connection: connection as unknown as ConnectionOptions,
    ...(TEST_QUEUE_PREFIX ? { prefix: TEST_QUEUE_PREFIX } : {}),
  });
}
