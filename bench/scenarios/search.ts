/**
 * Scenario 3: search through the API (specialization + day, a name prefix, without the search-result
 * cache, one hot query) beside its ceilings, FT.SEARCH of the same queries straight through the search
 * adapter (3d, 3e, 3g), and bare Hono sending the hot answer's bytes (3h); and 3c, the most expensive accepted
 * query against a typical one.
 */
import { writeFileSync } from "node:fs";
import { RediSearchDoctorIndex } from "../../src/adapters/search/doctor-search.redisearch.js";
import { createSearchRedis } from "../../src/adapters/search/search-redis.js";
import { toDoctorSearchQuery } from "../../src/application/queries/doctors/doctor-search.queries.js";
import { loadConfig } from "../../src/config.js";
import type { DoctorSearchQuery } from "../../src/ports/doctor-search.js";
import { searchCeiling } from "../ceilings.js";
import { type BenchContext, pick, READ_CONNECTIONS, spread } from "../context.js";
import { load } from "../load.js";
import { asMeasured, fmt } from "../report.js";
import { measureSearchCost } from "../search-cost.js";
import { NAME_PREFIXES } from "../seed.js";

const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

export async function search(ctx: BenchContext): Promise<void> {
  const { seconds, warmUpSeconds } = ctx.settings;
  const { specializations, ports, rows } = ctx;
  const filteredParams = () => ({ specialization: pick(specializations), day: pick(DAYS) });
  const filteredPath = () => {
    const p = filteredParams();
    return {
      path: `/misc/doctors/search?specialization=${encodeURIComponent(p.specialization)}&day=${p.day}`,
    };
  };
  const at50 = { connections: READ_CONNECTIONS, seconds, warmUpSeconds };
  const filtered = await load(spread(ports.api, filteredPath), at50);
  const prefixed = await load(
    spread(ports.api, () => ({ path: `/misc/doctors/${pick(NAME_PREFIXES)}` })),
    at50,
  );
  const searchRedis = createSearchRedis(ctx.redisUrl, "bench-search");
  await new Promise((resolve) => searchRedis.once("ready", resolve));
  const config = loadConfig(ctx.appEnv);
  // Built as the API builds its index (src/composition/infrastructure.ts).
  const searchIndex = new RediSearchDoctorIndex(searchRedis, config.SEARCH_INDEX, {
    keyPrefix: "doctor:",
    queryTimeoutMs: config.SEARCH_TIMEOUT_MS,
  });
  // The queries the routes build from these URLs: the page defaults of PageQuery and sort=relevance.
  const pageDefaults = { page: 1, per_page: 20, sort: "relevance" } as const;
  const filteredQuery = (): DoctorSearchQuery =>
    toDoctorSearchQuery({ ...pageDefaults, ...filteredParams() });
  const prefixQuery = (): DoctorSearchQuery =>
    toDoctorSearchQuery({ ...pageDefaults, name: pick(NAME_PREFIXES) });
  const rawSearch = async (query: () => DoctorSearchQuery) => {
    if (warmUpSeconds > 0) await searchCeiling(searchIndex, query, READ_CONNECTIONS, warmUpSeconds);
    return searchCeiling(searchIndex, query, READ_CONNECTIONS, seconds);
  };
  const filteredCeiling = await rawSearch(filteredQuery);
  const prefixedCeiling = await rawSearch(prefixQuery);
  // 3a without the search-result cache (the API with CACHE_ENABLED=false, SEARCH_CACHE_TTL_MS=0): 3a's
  // queries repeat (specializations × 7 days), so 3a itself is served from the cache in part.
  const filteredUncached = await load(spread(ports.uncached, filteredPath), at50);
  // 3f. A hot search: one query asked again and again (a landing page's default search); its ceiling 3g
  // is FT.SEARCH of that same query.
  const hotParams = { specialization: specializations[0] ?? "cardiologist", day: "monday" };
  const hotPath = `/misc/doctors/search?specialization=${encodeURIComponent(hotParams.specialization)}&day=${hotParams.day}`;
  const hot = await load(
    spread(ports.api, () => ({ path: hotPath })),
    at50,
  );
  const hotCeiling = await rawSearch(() => toDoctorSearchQuery({ ...pageDefaults, ...hotParams }));
  // 3h. The HTTP path's own ceiling for that answer: bare Hono sending its very bytes, nothing else.
  const hotAnswer = await (await fetch(`http://127.0.0.1:${ports.api[0]}${hotPath}`)).text();
  writeFileSync(ctx.bareAnswerFile, hotAnswer);
  const hotBytes = await load(
    spread(ports.bare, () => ({ path: "/answer" })),
    at50,
  );
  for (const [id, ceilingId, scenario, result, ceiling] of [
    ["3a", "3d", "search: specialization + day", filtered, filteredCeiling],
    ["3b", "3e", "search: name prefix /misc/doctors/{prefix}", prefixed, prefixedCeiling],
  ] as const) {
    const ofCeiling = result.rps / ceiling.rps;
    rows.push({
      id,
      scenario,
      load: result,
      measured: `${fmt(ofCeiling, 2)} × ${ceilingId} (p99 ${fmt(result.p99, 1)} ms)`,
      target: `≥ 0.9 × ${ceilingId}`,
      ok: ofCeiling >= 0.9 && result.failed + result.socketErrors === 0,
    });
  }
  const uncachedOfCeiling = filteredUncached.rps / filteredCeiling.rps;
  rows.push({
    id: "3a′",
    scenario: "search: specialization + day, SEARCH_CACHE_TTL_MS=0",
    load: filteredUncached,
    measured: `${fmt(uncachedOfCeiling, 2)} × 3d (p99 ${fmt(filteredUncached.p99, 1)} ms)`,
    target: "≥ 0.9 × 3d",
    ok: uncachedOfCeiling >= 0.9 && filteredUncached.failed + filteredUncached.socketErrors === 0,
  });
  const hotOfCeiling = hot.rps / hotCeiling.rps;
  rows.push({
    id: "3f",
    scenario: "search: one hot query repeated (search-result cache)",
    load: hot,
    measured: `${fmt(hotOfCeiling, 2)} × 3g; ${fmt(hot.rps / hotBytes.rps, 2)} × 3h (bare Hono, same ${fmt(hotAnswer.length / 1024, 1)} KB), 3h = ${fmt(hotBytes.rps / hotCeiling.rps, 2)} × 3g`,
    target: "≥ 3 × 3g",
    ok: hotOfCeiling >= 3 && hot.failed + hot.socketErrors === 0,
  });
  rows.push({
    id: "3h",
    scenario: "ceiling of 3f's HTTP path: bare Hono sending the hot search's answer as it is",
    load: hotBytes,
    measured: "ceiling",
    target: "",
    ok: null,
  });
  for (const [id, of, ceiling] of [
    ["3d", "3a", filteredCeiling],
    ["3e", "3b", prefixedCeiling],
    ["3g", "3f", hotCeiling],
  ] as const) {
    rows.push({
      id,
      scenario: `ceiling of ${of}: FT.SEARCH, same queries, through the search adapter`,
      load: asMeasured(ceiling),
      measured: ceiling.firstError ? `ceiling; first error: ${ceiling.firstError}` : "ceiling",
      target: "",
      ok: null,
    });
  }
  ctx.say(
    `3 search ${fmt(filtered.rps)} / ${fmt(prefixed.rps)} req/s (uncached ${fmt(filteredUncached.rps)}, hot ${fmt(hot.rps)}); FT.SEARCH ceilings ${fmt(filteredCeiling.rps)} / ${fmt(prefixedCeiling.rps)} / ${fmt(hotCeiling.rps)} /s`,
  );
  ctx.sampleMemory("3");

  // 3c. Search cost: the most expensive query the API accepts against a typical one, each alone.
  const cost = await measureSearchCost(searchIndex, searchRedis, config.SEARCH_INDEX);
  searchRedis.disconnect();
  rows.push({
    id: "3c",
    scenario: "search cost: most expensive accepted query / typical, Redis time alone",
    measured: `${fmt(cost.ratio, 1)} × (${cost.worst.label}: ${fmt(cost.worst.ms, 2)} ms / ${fmt(cost.typicalMs, 2)} ms)`,
    target: "≤ 10 ×",
    ok: cost.ratio <= 10,
  });
  ctx.notes.push(
    `search cost (median of 30, alone): ${cost.lines.join("; ")}; before words were capped, 'co' × 40 cost ${fmt(cost.uncappedMs, 2)} ms`,
  );
  ctx.say(`3c search cost ${fmt(cost.ratio, 1)} × typical`);
}
