import type { Cache } from "../../ports/cache.js";
import type { Randomness } from "../../ports/randomness.js";
import { familyMemberKey } from "../cache/doctor-cache-keys.js";

/** Cache-aside for query handlers: Redis first, the loader on a miss, the answer written back. */
export class ReadCache {
  constructor(
    private readonly cache: Cache,
    private readonly ttlSeconds: number,
    /** Off in benchmarks to measure what the cache buys. */
    private readonly enabled: boolean,
    /** Draws the generation of a family that has none. */
    private readonly randomness: Randomness,
  ) {}

  /** `cacheable` keeps answers such as "not found" out of the cache. */
  async through<T>(
    key: string,
    load: () => Promise<T>,
    cacheable: (value: T) => boolean = () => true,
  ): Promise<T> {
    if (!this.enabled) return load();
    const hit = await this.cache.get<T>(key);
    if (hit !== null) return hit;
    const value = await load();
    if (cacheable(value)) await this.cache.set(key, value, this.ttlSeconds);
    return value;
  }

  /**
   * Like `through` for a value answered as JSON: a hit is returned as the stored text, never parsed and
   * serialized again. `load` answers null for "nothing" (not cached).
   */
  async throughJson<T>(key: string, load: () => Promise<T | null>): Promise<string | null> {
    if (this.enabled && this.cache.getJson) {
      const hit = await this.cache.getJson(key);
      if (hit !== null) return hit;
    }
    const value = await load();
    if (value === null) return null;
    if (this.enabled) await this.cache.set(key, value, this.ttlSeconds);
    return JSON.stringify(value);
  }

  /** Like `through`, for one member of a family that is invalidated as a whole (see doctor-cache-keys). */
  async throughFamily<T>(
    family: string,
    member: string,
    load: () => Promise<T>,
    cacheable: (value: T) => boolean = () => true,
  ): Promise<T> {
    if (!this.enabled) return load();
    const key = await familyMemberKey(this.cache, family, member, this.ttlSeconds, () =>
      this.randomness.uuid(),
    );
    return this.through(key, load, cacheable);
  }
}
