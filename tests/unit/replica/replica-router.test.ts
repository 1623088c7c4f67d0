import type { DatabasePool } from "slonik";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import {
  parseLsn,
  ReplicaReadRouter,
  type WriteFence,
} from "../../../src/adapters/postgres/read-routing.pg.js";

/** A pool that answers `oneFirst` with a WAL position and `any` with its own name (which pool served). */
function fakePool(name: string, position: () => string) {
  return {
    oneFirst: async () => position(),
    any: async () => {
      if (name === "replica" && down)
        throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      return [name];
    },
  } as unknown as DatabasePool;
}
let down = false;

function fence(initial: bigint | null): WriteFence & { value: bigint | null; broken: boolean } {
  return {
    value: initial,
    broken: false,
    async current() {
      if (this.broken) throw new Error("redis away");
      return this.value;
    },
    async advance(lsn: bigint) {
      if (this.value === null || lsn > this.value) this.value = lsn;
    },
  };
}

describe("replica read routing", () => {
  const logger = createLogger("silent");
  const setup = async (replayed: string, primaryAt: string, fenceAt: bigint | null) => {
    down = false;
    const shared = fence(fenceAt);
    let replay = replayed;
    let primary = primaryAt;
    const router = new ReplicaReadRouter(
      fakePool("primary", () => primary),
      fakePool("replica", () => replay),
      shared,
      logger,
      { pollMs: 60_000 },
    );
    await router.healthCheck.check().catch(() => undefined);
    const servedBy = async () => ((await router.pool.any({} as never)) as string[])[0];
    return {
      router,
      shared,
      servedBy,
      replayTo: async (lsn: string) => {
        replay = lsn;
        await router.healthCheck.check();
      },
      primaryAt: (lsn: string) => {
        primary = lsn;
      },
    };
  };

  it("reads from the replica only once it has replayed past the fence", async () => {
    const { router, servedBy, replayTo, primaryAt } = await setup("0/200", "0/200", parseLsn("0/100"));
    expect(await servedBy()).toBe("replica");
    primaryAt("0/300");
    await router.fenceAfterCommit();
    expect(await servedBy()).toBe("primary");
    await replayTo("0/2FF");
    expect(await servedBy()).toBe("primary");
    await replayTo("0/300");
    expect(await servedBy()).toBe("replica");
    router.close();
  });

  it("takes the primary's position as the fence when none is recorded", async () => {
    const { router, shared, servedBy } = await setup("0/140", "0/150", null);
    expect(await servedBy()).toBe("primary");
    expect(shared.value).toBe(parseLsn("0/150"));
    router.close();
  });

  it("reads from the primary when the fence cannot be read, or the replica fails", async () => {
    const { router, shared, servedBy } = await setup("0/200", "0/200", parseLsn("0/100"));
    shared.broken = true;
    expect(await servedBy()).toBe("primary");
    shared.broken = false;
    expect(await servedBy()).toBe("replica");
    down = true;
    expect(await servedBy()).toBe("primary");
    // Marked down: it stays on the primary until a poll finds the replica again.
    down = false;
    expect(await servedBy()).toBe("primary");
    await router.healthCheck.check();
    expect(await servedBy()).toBe("replica");
    router.close();
  });

  it("keeps this process's own writes fenced when the shared fence is not written", async () => {
    const { router, shared, servedBy, primaryAt } = await setup("0/200", "0/200", parseLsn("0/100"));
    shared.advance = async () => {
      throw new Error("redis away");
    };
    primaryAt("0/400");
    await router.fenceAfterCommit();
    expect(shared.value).toBe(parseLsn("0/100"));
    expect(await servedBy()).toBe("primary");
    router.close();
  });
});
