/** Scenarios 1 and 2: the ceiling (bare Hono) and doctor reads, cache warm, compressed and cache off. */
import { type BenchContext, pick, READ_CONNECTIONS, spread } from "../context.js";
import { alternately, type LoadResult, load } from "../load.js";
import { fmt } from "../report.js";

/** Turns of each of two loads compared with each other (2a with 2c, a search page plain and compressed). */
const pairedRounds = (ctx: BenchContext) => (ctx.settings.tiny ? 1 : 4);

/** 1: Hono answering a fixed 1 KB JSON, the ceiling of every read. */
export async function bareHono(ctx: BenchContext): Promise<LoadResult> {
  const { seconds, warmUpSeconds } = ctx.settings;
  const bare = await load(
    spread(ctx.ports.bare, () => ({ path: "/bare" })),
    { connections: READ_CONNECTIONS, seconds, warmUpSeconds },
  );
  ctx.rows.push({
    id: "1",
    scenario: "bare Hono, 1 KB JSON",
    load: bare,
    measured: "ceiling",
    target: "",
    ok: null,
  });
  ctx.say(`1 bare: ${fmt(bare.rps)} req/s`);
  return bare;
}

/**
 * 2. Doctor reads, cache warm (every id read once first, plain and compressed: an answer is encoded
 * once, the first time it is asked for compressed) and cache off; a search page plain and compressed.
 */
export async function doctorReads(ctx: BenchContext, bare: LoadResult): Promise<void> {
  const { seconds, warmUpSeconds } = ctx.settings;
  const { doctorIds, specializations, ports } = ctx;
  const askCompressed = { "accept-encoding": "gzip, deflate, br" };
  for (const headers of [{}, askCompressed]) {
    let cursor = 0;
    await load(
      spread(ports.api, () => ({ path: `/doctors/get/${doctorIds[cursor++ % doctorIds.length]}`, headers })),
      { connections: 20, amount: doctorIds.length },
    );
  }
  const randomDoctor = () => ({ path: `/doctors/get/${pick(doctorIds)}` });
  const rounds = pairedRounds(ctx);
  // 2a and 2c are compared with each other: run in turns, so that both see the machine's drift.
  const [cached, compressed] = await alternately(
    spread(ports.api, randomDoctor),
    // The same reads asked compressed, as browsers ask (answers over 1 KB are compressed).
    spread(ports.api, () => ({ ...randomDoctor(), headers: askCompressed })),
    { connections: READ_CONNECTIONS, seconds, warmUpSeconds, rounds },
  );
  const uncached = await load(spread(ports.uncached, randomDoctor), {
    connections: READ_CONNECTIONS,
    seconds,
    warmUpSeconds,
  });
  // A page of search results (20 doctors, ~25 KB of JSON), plain and asked compressed, in turns.
  const specializationPage = () => ({
    path: `/misc/doctors/specialization/${encodeURIComponent(pick(specializations))}`,
  });
  const [pagePlain, pageCompressed] = await alternately(
    spread(ports.api, specializationPage),
    spread(ports.api, () => ({ ...specializationPage(), headers: askCompressed })),
    { connections: READ_CONNECTIONS, seconds, warmUpSeconds, rounds },
  );
  const ofBare = cached.rps / bare.rps;
  const speedUp = cached.rps / uncached.rps;
  const ofPlain = compressed.rps / cached.rps;
  const pageOfPlain = pageCompressed.rps / pagePlain.rps;
  ctx.rows.push({
    id: "2a",
    scenario: "GET /doctors/get/{id}, cache warm",
    load: cached,
    measured: `${fmt(ofBare, 2)} × bare`,
    target: "≥ 0.6 × bare (first bar 0.5)",
    ok: ofBare >= 0.6 && cached.failed + cached.socketErrors === 0,
  });
  ctx.rows.push({
    id: "2b",
    scenario: "GET /doctors/get/{id}, CACHE_ENABLED=false",
    load: uncached,
    measured: `cache speed-up ${fmt(speedUp, 1)}×`,
    target: "≥ 8 × uncached",
    ok: speedUp >= 8 && uncached.failed + uncached.socketErrors === 0,
  });
  ctx.rows.push({
    id: "2c",
    scenario: "GET /doctors/get/{id}, cache warm, Accept-Encoding: gzip, br",
    load: compressed,
    measured: `${fmt(ofPlain, 2)} × 2a (in turns with 2a)`,
    target: "≥ 0.9 × 2a (no slower)",
    ok: ofPlain >= 0.9 && compressed.failed + compressed.socketErrors === 0,
  });
  ctx.rows.push({
    id: "2d",
    scenario: "search page (20 doctors), Accept-Encoding: gzip, br",
    load: pageCompressed,
    measured: `${fmt(pageOfPlain, 2)} × plain (${fmt(pagePlain.rps)} req/s, in turns)`,
    target: "≥ 0.9 × plain (no slower)",
    ok: pageOfPlain >= 0.9 && pageCompressed.failed + pageCompressed.socketErrors === 0,
  });
  ctx.say(
    `2 cached ${fmt(cached.rps)} / compressed ${fmt(compressed.rps)} / uncached ${fmt(uncached.rps)} req/s; search page ${fmt(pagePlain.rps)} / compressed ${fmt(pageCompressed.rps)}`,
  );
  ctx.sampleMemory("2");
}
