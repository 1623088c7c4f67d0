import type { Cache } from "../../ports/cache.js";
import type { Logger } from "../../ports/logger.js";
import type { RedisConnection } from "./client.js";

/** JSON values under `doctorly:v1:`; a Redis error is logged and treated as a miss (reads fall back to Postgres). */
export class RedisCache implements Cache {
  constructor(
    private readonly redis: RedisConnection,
    private readonly logger: Logger,
    private readonly prefix = "doctorly:v1:",
  ) {}

  async get<T>(key: string): Promise<T | null> {
    try {
      const raw = await this.redis.get(this.prefix + key);
      return raw === null ? null : (JSON.parse(raw) as T);
    } catch (error) {
      this.softFail("get", key, error);
      return null;
    }
  }

  async getJson(key: string): Promise<string | null> {
    try {
      return await this.redis.get(this.prefix + key);
    } catch (error) {
      this.softFail("get", key, error);
      return null;
    }
  }

  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    try {
      await this.redis.set(
        this.prefix + key,
        JSON.stringify(value),
        "EX",
        Math.max(1, Math.trunc(ttlSeconds)),
      );
    } catch (error) {
      this.softFail("set", key, error);
    }
  }

  async del(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    try {
      const full = keys.map((k) => this.prefix + k);
      // A cluster refuses one DEL of keys in different slots (CROSSSLOT): one DEL per key there.
      if (this.redis.isCluster) await Promise.all(full.map((k) => this.redis.del(k)));
      else await this.redis.del(...full);
    } catch (error) {
      this.softFail("del", keys.join(" "), error);
    }
  }

  private softFail(operation: string, key: string, error: unknown) {
    this.logger.warn(
      { operation, key, err: error instanceof Error ? error.message : String(error) },
      "cache unavailable, continuing without it",
    );
  }
}
