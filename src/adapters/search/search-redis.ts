import type { Redis } from "ioredis";
import type { HealthCheck } from "../../ports/health.js";
import { createRedis } from "../redis/client.js";
import { withTimeout } from "../redis/health.redis.js";
import type { RediSearchDoctorIndex } from "./doctor-search.redisearch.js";

/**
 * The connection the doctor index talks over, pinned to RESP2: every RediSearch version (1.2, 2.2–2.6,
 * 2.8+, Redis 8's query engine) answers FT.SEARCH and FT.INFO in the same RESP2 form on it, while on
 * RESP3 (ioredis 6's default) 2.8+ answers maps instead (docs/adr/0001-search-protocol.md).
 */
export function createSearchRedis(url: string, name = "search"): Redis {
  return createRedis(url, name, { protocol: 2 });
}

/** Ready only while a probe query against the serving index answers in a form search can read. */
export class SearchProbeHealthCheck implements HealthCheck {
  readonly name = "search";
  readonly roles = ["doctor index"];
  constructor(
    private readonly index: Pick<RediSearchDoctorIndex, "probe">,
    private readonly timeoutMs = 1_000,
  ) {}

  async check(): Promise<void> {
    await withTimeout(this.index.probe(), this.timeoutMs, "search");
  }
}
