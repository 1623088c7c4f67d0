import type { Cache } from "../../ports/cache.js";
import type { Logger } from "../../ports/logger.js";
import type { RedisConnection } from "./client.js";
import { InvalidationListener } from "./invalidation-listener.js";

/** Where every process announces the keys it deleted from the shared cache. */
export const INVALIDATION_CHANNEL = "doctorly:v1:cache-invalidations";

export interface NearCacheOptions {
  /** How long a value read from Redis may be answered from this process's memory. */
  readonly ttlMs: number;
  /** The oldest entries are dropped when the values held exceed this many characters (16 Mi by default). */
  readonly maxChars?: number;
  readonly now?: () => number;
}

/**
 * A small in-process layer over the shared Redis cache: a value read from Redis is answered from this
 * process's memory for up to `ttlMs`, which spares the Redis round trip that dominated a cached read.
 *
 * Every `del` (the unit of work's and the projector's invalidations) is published on a Redis channel, and
 * every process drops those keys when the message arrives. A read that was under way when an invalidation
 * arrived does not keep its value. While this process is not subscribed (Redis away, reconnecting), the
 * layer is emptied and bypassed, so it never answers what it could not hear invalidated. Within one
 * process a write is seen by the next read at once (the keys are dropped before the write answers); in
 * another process, once the message has arrived — under a millisecond on one network, and never later
 * than `ttlMs`.
 */
export class NearCache implements Cache {
  private readonly entries = new Map<string, { readonly json: string; readonly expiresAt: number }>();
  private readonly maxChars: number;
  private heldChars = 0;
  private readonly now: () => number;
  private readonly invalidationsHeard: InvalidationListener;
  /** Bumped by every invalidation: a read that saw it change while waiting for Redis keeps nothing. */
  private invalidations = 0;

  constructor(
    private readonly shared: Cache & { getJson(key: string): Promise<string | null> },
    private readonly publisher: RedisConnection,
    subscriber: RedisConnection,
    private readonly logger: Logger,
    private readonly options: NearCacheOptions,
  ) {
    this.maxChars = options.maxChars ?? 16 * 1024 * 1024;
    this.now = options.now ?? Date.now;
    this.invalidationsHeard = new InvalidationListener(
      subscriber,
      INVALIDATION_CHANNEL,
      {
        onMessage: (message) => this.drop(keysOf(message)),
        reset: () => {
          this.forgetAll();
          this.invalidations++;
        },
      },
      logger,
      "cache invalidations not subscribed; answering from Redis only",
    );
  }

  /** True while invalidations are being heard (and memory may answer). */
  get listening(): boolean {
    return this.invalidationsHeard.listening;
  }

  async get<T>(key: string): Promise<T | null> {
    const json = await this.getJson(key);
    return json === null ? null : (JSON.parse(json) as T);
  }

  async getJson(key: string): Promise<string | null> {
    if (this.listening) {
      const entry = this.entries.get(key);
      if (entry && entry.expiresAt > this.now()) return entry.json;
    }
    const seen = this.invalidations;
    const json = await this.shared.getJson(key);
    if (json !== null && this.listening && seen === this.invalidations) this.remember(key, json);
    return json;
  }

  set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    return this.shared.set(key, value, ttlSeconds);
  }

  async del(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    this.drop(keys);
    await this.shared.del(keys);
    try {
      await this.publisher.publish(INVALIDATION_CHANNEL, JSON.stringify(keys));
    } catch (error) {
      // Other processes are then told nothing: their copies expire within ttlMs.
      this.logger.warn(
        { keys: keys.length, err: error instanceof Error ? error.message : String(error) },
        "cache invalidation not published",
      );
    }
  }

  private remember(key: string, json: string) {
    if (json.length > this.maxChars) return;
    this.forget(key);
    for (const [oldest] of this.entries) {
      if (this.heldChars + json.length <= this.maxChars) break;
      this.forget(oldest);
    }
    this.entries.set(key, { json, expiresAt: this.now() + this.options.ttlMs });
    this.heldChars += json.length;
  }

  private forget(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.heldChars -= entry.json.length;
  }

  private forgetAll() {
    this.entries.clear();
    this.heldChars = 0;
  }

  private drop(keys: readonly string[]) {
    this.invalidations++;
    for (const key of keys) this.forget(key);
  }
}

const keysOf = (message: string): string[] => {
  try {
    const keys: unknown = JSON.parse(message);
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
};
