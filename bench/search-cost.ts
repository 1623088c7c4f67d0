/**
 * What one search costs Redis: the most expensive query the API still accepts against a typical one,
 * each sent alone (sequentially, nothing else running), median of many runs. `bench/run.ts` measures it
 * on the bench's index; run alone it fills a private index of 10,000 synthetic doctors on any engine:
 *
 *   npx tsx bench/search-cost.ts [redis-url]     (default redis://127.0.0.1:6382; keys are removed after)
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { Redis } from "ioredis";
import { RediSearchDoctorIndex } from "../src/adapters/search/doctor-search.redisearch.js";
import { createSearchRedis } from "../src/adapters/search/search-redis.js";
import { loadConfig } from "../src/config.js";
import { type DoctorSearchQuery, doctorDocumentOf } from "../src/ports/doctor-search.js";
import { FIRST_NAMES, LAST_NAMES, NAME_PREFIXES } from "./seed.js";

export interface SearchCost {
  readonly typicalMs: number;
  readonly worst: { readonly label: string; readonly ms: number };
  readonly ratio: number;
  /** 40 repeats of a prefix every doctor matches, as such a query ran before words were capped. */
  readonly uncappedMs: number;
  readonly lines: readonly string[];
}

const query = (q: Partial<DoctorSearchQuery>): DoctorSearchQuery => ({
  sort: "relevance",
  page: 1,
  perPage: 20,
  ...q,
});

/** Queries within every accepted bound (≤ 200 characters, any words) that cost the most to answer. */
const EXPENSIVE: Record<string, DoctorSearchQuery> = {
  "q = 'ka' × 66": query({ text: Array(66).fill("ka").join(" ") }),
  "q = 5 two-letter prefixes": query({ text: "ka ah sa ma ba" }),
  // Every seeded description reads "Consultant with N years of practice in a city clinic": each of these
  // matches every doctor, so RediSearch intersects five posting lists of the whole index.
  "q = 5 prefixes every doctor matches": query({ text: "co wi ye pr ci" }),
  "q = 5 words every doctor has": query({ text: "consultant with years practice clinic" }),
  "q = 1 word every doctor has (prefix + fuzzy + vowel-free)": query({ text: "consultant" }),
  "q = 5 prefixes every doctor matches, by fee": query({ text: "co wi ye pr ci", sort: "fee" }),
  "q = 5 common names (prefix + fuzzy + vowel-free)": query({ text: "khan ahmed ayesha carmen daniel" }),
  "q = 5 words of 40 letters": query({
    text: Array.from({ length: 5 }, (_, i) => "k".repeat(39) + i).join(" "),
  }),
};

async function medianMs(run: () => Promise<unknown>, times: number): Promise<number> {
  for (let i = 0; i < 3; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

export async function measureSearchCost(
  index: RediSearchDoctorIndex,
  redis: Redis,
  indexName: string,
  times = 30,
): Promise<SearchCost> {
  const typicalMs = await medianMs(
    () => index.search(query({ namePrefix: NAME_PREFIXES[0] ?? "kha" })),
    times,
  );
  const lines = [`typical: /misc/doctors/${NAME_PREFIXES[0]} ${typicalMs.toFixed(2)} ms`];
  let worst = { label: "", ms: 0 };
  for (const [label, q] of Object.entries(EXPENSIVE)) {
    const ms = await medianMs(() => index.search(q), times);
    lines.push(`${label}: ${ms.toFixed(2)} ms`);
    if (ms > worst.ms) worst = { label, ms };
  }
  // Before the cap: every repeated word became its own clause.
  const physical = (await redis.get(`${indexName}:current`)) ?? indexName;
  const uncapped = Array(40).fill("co*").join(" ");
  const uncappedMs = await medianMs(
    () => redis.call("FT.SEARCH", physical, uncapped, "LIMIT", "0", "20", "RETURN", "1", "json"),
    Math.min(times, 10),
  );
  return { typicalMs, worst, ratio: worst.ms / typicalMs, uncappedMs, lines };
}

async function standalone(url: string) {
  const redis = createSearchRedis(url, "bench-search-cost");
  await new Promise((resolve) => redis.once("ready", resolve));
  const run = randomBytes(3).toString("hex");
  const name = `doctorly:bench:${run}:idx`;
  const keyPrefix = `doctorly:bench:${run}:doctor:`;
  const index = new RediSearchDoctorIndex(redis, name, {
    keyPrefix,
    queryTimeoutMs: loadConfig({}).SEARCH_TIMEOUT_MS,
  });
  try {
    await index.ensureIndex();
    const doctors = Array.from({ length: 10_000 }, (_, i) => {
      const g = i + 1;
      const first = FIRST_NAMES[(g * 7) % FIRST_NAMES.length];
      const last = LAST_NAMES[(g * 13 + Math.floor(g / 31)) % LAST_NAMES.length];
      return doctorDocumentOf({
        id: g,
        name: `${first} ${last}`,
        description: `Consultant with ${3 + (g % 30)} years of practice in a city clinic`,
        image: "http://bench.test/d.svg",
        timezone: "UTC",
        experience: g % 30,
        rating: null,
        rating_count: 0,
        no_of_patients: 0,
        specializations: [],
        qualifications: [],
        slots: [],
      });
    });
    await index.rebuild(
      (async function* () {
        yield* doctors;
      })(),
    );
    const cost = await measureSearchCost(index, redis, name);
    for (const line of cost.lines) console.log(line);
    console.log(
      `most expensive accepted: ${cost.worst.label} ${cost.worst.ms.toFixed(2)} ms = ${cost.ratio.toFixed(1)} × typical (target ≤ 10 ×); uncapped 'co' × 40 (before): ${cost.uncappedMs.toFixed(2)} ms`,
    );
  } finally {
    const current = await redis.get(`${name}:current`);
    if (current)
      await redis.call("FT.DROPINDEX", current).catch(() => redis.call("FT.DROP", current, "KEEPDOCS"));
    for (;;) {
      const keys = await redis.keys(`doctorly:bench:${run}:*`);
      if (keys.length === 0) break;
      await redis.del(...keys.slice(0, 1000));
    }
    redis.disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await standalone(process.argv[2] ?? "redis://127.0.0.1:6382");
}
