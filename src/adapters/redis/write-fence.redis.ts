import type { RedisConnection } from "./client.js";

/** Raises the stored position only: concurrent writers from many processes never lower it. */
const ADVANCE = `
local current = redis.call("GET", KEYS[1])
if not current or ARGV[1] > current then redis.call("SET", KEYS[1], ARGV[1]) end
return 1
`;

/** An LSN as 16 hex digits, so that comparing the strings (in Lua) compares the positions. */
const encode = (lsn: bigint) => lsn.toString(16).padStart(16, "0");

/**
 * The highest write position of the app (docs/adr/0012), on the cache's Redis: every process reads it
 * before sending a read to the replica. No TTL: it is one key, and a lost one is rebuilt from the primary.
 */
export class RedisWriteFence {
  constructor(
    private readonly redis: RedisConnection,
    private readonly key = "doctorly:v1:pg-write-fence",
  ) {}

  async current(): Promise<bigint | null> {
    const value = await this.redis.get(this.key);
    return value === null ? null : BigInt(`0x${value}`);
  }

  async advance(lsn: bigint): Promise<void> {
    await this.redis.eval(ADVANCE, 1, this.key, encode(lsn));
  }
}
