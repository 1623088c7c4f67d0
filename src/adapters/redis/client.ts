import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";

/** A connection to one Redis server or to a Redis Cluster: the adapters take either. */
export type RedisConnection = Redis | Cluster;

/** Where a role's Redis is: one URL, or (cluster) the comma-separated seed URLs of a Redis Cluster. */
export interface RedisTarget {
  readonly url: string;
  readonly cluster: boolean;
}

const failFast = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
} as const;
const reconnect = (attempt: number) => Math.min(attempt * 200, 2_000);

/**
 * A connection that fails fast while Redis is away (no offline queue, one retry), so that callers can
 * fall back or answer 503 instead of hanging; it keeps reconnecting in the background.
 */
export function createRedis(url: string, name: string, options: Pick<RedisOptions, "protocol"> = {}): Redis {
  return new Redis(url, {
    ...options,
    connectionName: `doctorly-${name}`,
    ...failFast,
    retryStrategy: reconnect,
    lazyConnect: false,
  });
}

/** BullMQ needs blocking commands that wait forever and queue while disconnected. */
export function createQueueRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: `doctorly-${name}`,
    maxRetriesPerRequest: null,
    retryStrategy: reconnect,
  });
}

/** The seeds of a cluster target, with the credentials and TLS of the first URL for every node. */
function clusterOf(seedUrls: string, name: string, waitForever: boolean): Cluster {
  const urls = seedUrls
    .split(",")
    .map((u) => u.trim())
    .filter((u) => u !== "")
    .map((u) => new URL(u));
  const first = urls[0];
  if (!first) throw new Error("a Redis Cluster needs at least one seed URL");
  const options: ClusterOptions = {
    clusterRetryStrategy: reconnect,
    // A moved slot (failover, resharding) is retried on the new owner after a short wait.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2_000,
    enableOfflineQueue: waitForever,
    redisOptions: {
      connectionName: `doctorly-${name}`,
      username: decodeURIComponent(first.username) || undefined,
      password: decodeURIComponent(first.password) || undefined,
      ...(first.protocol === "rediss:" ? { tls: {} } : {}),
      ...(waitForever ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 1, connectTimeout: 2_000 }),
    },
  };
  return new Cluster(
    urls.map((u) => ({ host: u.hostname, port: Number(u.port || 6379) })),
    options,
  );
}

/** A fail-fast connection (see createRedis) to the role's server or cluster. */
export function connectRole(target: RedisTarget, name: string): RedisConnection {
  return target.cluster ? clusterOf(target.url, name, false) : createRedis(target.url, name);
}

/** A BullMQ connection (see createQueueRedis) to the role's server or cluster. */
export function connectQueueRole(target: RedisTarget, name: string): RedisConnection {
  return target.cluster ? clusterOf(target.url, name, true) : createQueueRedis(target.url, name);
}
