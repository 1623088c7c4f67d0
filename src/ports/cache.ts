/**
 * A best-effort cache of JSON values. Implementations fail soft: when the backend is away, get answers
 * null (a miss) and set/del do nothing, so reads fall back to the source of truth; TTLs are the backstop.
 * Keys are logical (the adapter adds its namespace) and never contain a token.
 */
export interface Cache {
  get<T>(key: string): Promise<T | null>;
  /** The stored JSON text of a value, unparsed (hot reads answer it as is); null on a miss. */
  getJson?(key: string): Promise<string | null>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
  del(keys: readonly string[]): Promise<void>;
}

export const CACHE = Symbol.for("doctorly.Cache");
