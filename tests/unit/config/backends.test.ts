import { describe, expect, it } from "vitest";
import { backendsOf, loadConfig, queuePrefixOf, redactedUrl } from "../../../src/config.js";

const view = (env: Record<string, string>) =>
  backendsOf(loadConfig(env)).map(({ name, roles, address }) => ({ name, roles, address }));

describe("backends and their roles", () => {
  it("puts every Redis role on REDIS_URL when no role has its own server", () => {
    const config = loadConfig({ REDIS_URL: "redis://127.0.0.1:6390" });
    expect([config.CACHE_REDIS_URL, config.QUEUE_REDIS_URL, config.SEARCH_REDIS_URL]).toEqual([
      "redis://127.0.0.1:6390",
      "redis://127.0.0.1:6390",
      "redis://127.0.0.1:6390",
    ]);
    expect(view({ REDIS_URL: "redis://127.0.0.1:6390" })).toEqual([
      { name: "postgres", roles: ["primary"], address: "postgres://postgres@127.0.0.1:5432/doctorly" },
      { name: "redis", roles: ["cache", "counters", "queue", "search"], address: "redis://127.0.0.1:6390" },
    ]);
  });

  it("names a role's own server after the role; the attempt counters stay with the cache", () => {
    expect(
      view({
        REDIS_URL: "redis://127.0.0.1:6390",
        CACHE_REDIS_URL: "redis://cache:6379",
        SEARCH_REDIS_URL: "redis://search:6379/0",
      }),
    ).toEqual([
      { name: "postgres", roles: ["primary"], address: "postgres://postgres@127.0.0.1:5432/doctorly" },
      { name: "redis-cache", roles: ["cache", "counters"], address: "redis://cache:6379" },
      { name: "redis", roles: ["queue"], address: "redis://127.0.0.1:6390" },
      { name: "redis-search", roles: ["search"], address: "redis://search:6379/0" },
    ]);
  });

  it("never shows a password in what it reports", () => {
    const backends = view({
      DATABASE_URL: "postgres://app:db-secret@db:5432/doctorly",
      REDIS_URL: "redis://:redis-secret@redis:6379",
      QUEUE_REDIS_URL: "rediss://worker:queue-secret@queue:6380",
    });
    expect(JSON.stringify(backends)).not.toMatch(/secret/);
    expect(backends.map((b) => b.address)).toEqual([
      "postgres://app:***@db:5432/doctorly",
      "redis://:***@redis:6379",
      "rediss://worker:***@queue:6380",
    ]);
    expect(redactedUrl("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
  });

  it("refuses a role URL that is not Redis", () => {
    expect(() => loadConfig({ SEARCH_REDIS_URL: "http://search:6379" })).toThrow(/SEARCH_REDIS_URL/);
  });

  it("takes the cluster's seed URLs for the cache and queue roles with REDIS_CLUSTER=true, search standalone", () => {
    const seeds = "redis://:pw@10.0.0.1:7000,redis://:pw@10.0.0.2:7000";
    const config = loadConfig({
      REDIS_CLUSTER: "true",
      REDIS_URL: seeds,
      SEARCH_REDIS_URL: "redis://search:6379",
    });
    expect(queuePrefixOf(config)).toBe("{doctorly}");
    expect(queuePrefixOf(loadConfig({}))).toBeUndefined();
    expect(backendsOf(config).map(({ name, roles, address }) => ({ name, roles, address }))).toContainEqual({
      name: "redis-cluster",
      roles: ["cache", "counters", "queue"],
      address: "redis://:***@10.0.0.1:7000,redis://:***@10.0.0.2:7000",
    });
    // The seeds given per role, REDIS_URL left on the search server: that server is not called the cluster.
    expect(
      view({
        REDIS_CLUSTER: "true",
        REDIS_URL: "redis://search:6379",
        CACHE_REDIS_URL: seeds,
        QUEUE_REDIS_URL: seeds,
        SEARCH_REDIS_URL: "redis://search:6379",
      }).map(({ name, roles }) => ({ name, roles })),
    ).toEqual([
      { name: "postgres", roles: ["primary"] },
      { name: "redis-cache", roles: ["cache", "counters", "queue"] },
      { name: "redis", roles: ["search"] },
    ]);
    expect(() => loadConfig({ REDIS_CLUSTER: "true", REDIS_URL: seeds })).toThrow(/SEARCH_REDIS_URL/);
    expect(() => loadConfig({ REDIS_URL: seeds })).toThrow(/REDIS_URL: several URLs need REDIS_CLUSTER=true/);
    expect(() =>
      loadConfig({
        REDIS_CLUSTER: "true",
        REDIS_URL: "redis://a:1,http://b:2",
        SEARCH_REDIS_URL: "redis://s:1",
      }),
    ).toThrow(/REDIS_URL/);
  });
});
