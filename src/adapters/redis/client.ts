import { Redis, type RedisOptions } from "ioredis";

/**
 * A connection that fails fast while Redis is away (no offline queue, one retry), so that callers can
 * fall back or answer 503 instead of hanging; it keeps reconnecting in the background.
 */
export function createRedis(url: string, name: string, options: Pick<RedisOptions, "protocol"> = {}): Redis {
  return new Redis(url, {
    ...options,
    connectionName: `doctorly-${name}`,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });
}

/** BullMQ needs blocking commands that wait forever and queue while disconnected. */
export function createQueueRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: `doctorly-${name}`,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}
