/**
 * Records what a RediSearch engine answers the doctor index, over RESP2 and RESP3, into
 * tests/fixtures/search-replies/<engine>-resp<N>.json; the reply-reader contract test replays them.
 *
 *   npx tsx scripts/record-search-replies.ts redis://127.0.0.1:6384
 *
 * The engine must have the RediSearch module (1.x, 2.x or Redis 8's query engine). Only keys under a
 * private `doctorly:record:` prefix are written, and they are deleted again.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { RediSearchDoctorIndex, type SearchRedis } from "../src/adapters/search/doctor-search.redisearch.js";
import { asMap } from "../src/adapters/search/search-replies.js";
import { projectRoot } from "../src/config.js";
import { RECORDED_DOCTORS, RECORDED_SEARCHES } from "../tests/fixtures/search-replies/scenarios.js";

interface Exchange {
  readonly scenario: string;
  readonly command: readonly string[];
  readonly reply: unknown;
}

const RECORDED = new Set(["FT.SEARCH", "FT.INFO", "MODULE"]);

async function record(url: string, protocol: 2 | 3) {
  const redis = new Redis(url, { protocol });
  const exchanges: Exchange[] = [];
  let scenario = "setup";
  const recording: SearchRedis = {
    async call(command, ...args) {
      const reply = await redis.call(command, ...args);
      if (RECORDED.has(command)) exchanges.push({ scenario, command: [command, ...args], reply });
      return reply;
    },
  };
  const run = randomBytes(3).toString("hex");
  const name = `doctorly:record:${run}:idx`;
  const index = new RediSearchDoctorIndex(recording, name, { keyPrefix: `doctorly:record:${run}:doctor:` });
  try {
    scenario = "module list";
    const modules = (await redis.call("MODULE", "LIST")) as unknown[];
    exchanges.push({ scenario, command: ["MODULE", "LIST"], reply: modules });
    const search = modules.map(asMap).find((m) => ["ft", "search"].includes(String(m?.get("name"))));
    const version = Number(search?.get("ver"));
    const engine = `redisearch-${Math.floor(version / 10_000)}.${Math.floor(version / 100) % 100}.${version % 100}`;

    scenario = "setup";
    await index.ensureIndex();
    for (const doctor of RECORDED_DOCTORS) await index.upsert(doctor);
    scenario = "rebuild";
    await index.rebuild(
      (async function* () {
        yield* RECORDED_DOCTORS;
      })(),
    );
    for (const [label, query] of Object.entries(RECORDED_SEARCHES)) {
      scenario = label;
      await index.search(query).catch(() => undefined);
    }
    scenario = "probe";
    await index.probe();
    scenario = "info";
    const current = (await redis.call("GET", `${name}:current`)) as string;
    exchanges.push({ scenario, command: ["FT.INFO", current], reply: await redis.call("FT.INFO", current) });

    const file = path.join(
      projectRoot,
      "tests",
      "fixtures",
      "search-replies",
      `${engine}-resp${protocol}.json`,
    );
    // The module's path on the recording machine says nothing about the engine.
    const redacted = JSON.stringify(
      { engine, protocol, exchanges },
      (key, value) => (key === "" || value !== search?.get("path") ? value : "<module path>"),
      1,
    );
    writeFileSync(file, `${redacted}\n`);
    console.log(
      `recorded ${exchanges.length} replies of ${engine} over RESP${protocol} → ${path.relative(projectRoot, file)}`,
    );
  } finally {
    const current = (await redis.call("GET", `${name}:current`)) as string | null;
    if (current !== null) {
      await redis.call("FT.DROPINDEX", current).catch(() => redis.call("FT.DROP", current, "KEEPDOCS"));
    }
    const keys = await redis.keys(`doctorly:record:${run}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}

const url = process.argv[2];
if (!url) {
  console.error("usage: tsx scripts/record-search-replies.ts <redis-url>");
  process.exit(2);
}
await record(url, 2);
await record(url, 3);
