import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import pg from "pg";
import { Argon2PasswordHasher } from "../src/adapters/auth/argon2.password-hasher.js";
import { createLogger } from "../src/adapters/logging/logger.pino.js";
import { runMigrations } from "../src/adapters/postgres/migrate.js";
import { RediSearchDoctorIndex } from "../src/adapters/search/doctor-search.redisearch.js";
import { createSearchRedis } from "../src/adapters/search/search-redis.js";
import { toDoctorSearchQuery } from "../src/application/queries/doctors/doctor-search.queries.js";
import { loadConfig, projectRoot } from "../src/config.js";
import { PROJECTION_QUEUE } from "../src/container.js";
import type { DoctorSearchQuery } from "../src/ports/doctor-search.js";
import {
  BOOKING_ROUND_TRIPS,
  type BookingShot,
  bookingCeilings,
  ceilingAccounts,
  searchCeiling,
} from "./ceilings.js";
import { alternately, type LoadResult, type LoadTarget, load, percentile, type Shot } from "./load.js";
import { overload } from "./overload.js";
import { asMeasured, fmt, type Row, table } from "./report.js";
import { countingProxy } from "./round-trips.js";
import { measureSearchCost } from "./search-cost.js";
import {
  BENCH_PASSWORD,
  contendedSittings,
  FULL,
  freeSittings,
  lagDoctors,
  loadAccounts,
  NAME_PREFIXES,
  type Scale,
  seed,
  TINY,
} from "./seed.js";

/**
 * `npm run bench [-- --quick] [-- --tiny] [-- --scale] [-- --profile]`: seeds its own database and Redis,
 * starts the app as separate processes and drives it with autocannon on loopback; prints one table.
 * --quick: short scenarios; --tiny: 50 doctors (the test suite's smoke run); --scale: two API processes
 * and two workers with the load split across them; --profile: the API processes write --cpu-prof files.
 */
const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    tiny: { type: "boolean", default: false },
    scale: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
  },
});

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/doctorly_bench";
const REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6382";
const scale: Scale = flags.tiny ? TINY : FULL;
const replicas = flags.scale ? 2 : 1;
const seconds = flags.tiny ? 1 : flags.quick ? 3 : 10;
/** Unmeasured seconds of the same load before each read scenario (see LoadOptions.warmUpSeconds). */
const warmUpSeconds = flags.tiny ? 0 : 1;
/** Scenario 5 writes at this share of the uncontended booking rate measured by 4a in the same run. */
const LAG_SHARE_OF_BOOKINGS = 0.5;
const LAG_POLL_MS = 50;
const LAG_BOUND_MS = 5_000;
const CONTENDED_REQUESTS = 200;
const READ_CONNECTIONS = 50;
/** Turns of each of two loads compared with each other (2a with 2c, a search page plain and compressed). */
const PAIRED_ROUNDS = flags.tiny ? 1 : 4;
const BOOKING_CONNECTIONS = 10;
/** Scenario 4e: bookings counted on the wire, after a few unmeasured ones. */
const ROUND_TRIP_WARM_UP = 5;
const ROUND_TRIP_BOOKINGS = flags.tiny ? 10 : 50;
/** Scenario 8: bookings offered at this multiple of 4a's rate, to an API process that sheds load. */
const OVERLOAD_FACTOR = 2;
/** Its in-flight bound (SHED_MAX_IN_FLIGHT): twice the booking connections of 4a. */
const OVERLOAD_IN_FLIGHT = 2 * 10;
const RECOVERY_BOOKINGS = flags.tiny ? 20 : 100;
const logDir = path.join(projectRoot, ".data", "bench");
const deadlineMs = flags.tiny ? 170_000 : flags.quick ? 420_000 : 20 * 60_000;

const children: { name: string; process: ChildProcess }[] = [];
const memoryReportFile = path.join(logDir, "api-0.memory.jsonl");
const notes: string[] = [];
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

// ---------------------------------------------------------------- processes

/** The compiled entry point of `src/<name>.ts` (as production runs it: `npm run build`, then node). */
const compiled = (script: string) => script.replace(/^src\/(.+)\.ts$/, "dist/$1.js");

/** `node dist/<script>.js` for app entry points, `node --import tsx` for bench scripts: one process each. */
function start(name: string, script: string, args: string[], env: Record<string, string>): ChildProcess {
  mkdirSync(logDir, { recursive: true });
  const log = openSync(path.join(logDir, `${name}.log`), "w");
  const profile = flags.profile && name.startsWith("api") ? ["--cpu-prof", "--cpu-prof-dir", logDir] : [];
  const entry = script.startsWith("src/") ? [compiled(script)] : ["--import", "tsx", script];
  // The first API process reports where its memory is on SIGUSR2 (bench/memory-report.mjs).
  const memory =
    name === "api-0"
      ? ["--import", pathToFileURL(path.join(projectRoot, "bench", "memory-report.mjs")).href]
      : [];
  const child = spawn(process.execPath, [...profile, ...memory, ...entry, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...appEnv, MEMORY_REPORT_FILE: memoryReportFile, ...env },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  child.on("exit", (code, signal) => {
    if (!stopping) say(`${name} exited early (code ${code}, signal ${signal}); see ${logDir}/${name}.log`);
  });
  children.push({ name, process: child });
  return child;
}

const appEnv: Record<string, string> = {
  DATABASE_URL,
  REDIS_URL,
  LOG_LEVEL: "warn",
  HOST: "127.0.0.1",
  UPLOAD_DIR: path.join(logDir, "uploads"),
  // The load generator is one client sending thousands of requests a second: the per-client limits stay
  // on (their cost is measured) but never refuse it.
  REGISTRATIONS_PER_HOUR: "1000000",
  SEARCHES_PER_MINUTE: "10000000",
  // The uncontended booking scenario (4a) measures throughput with a few load accounts booking
  // thousands of sittings: the cap of live appointments per account would turn it into 409s after ten.
  MAX_LIVE_APPOINTMENTS_PER_ACCOUNT: "1000000",
};

let stopping = false;
async function stopAll(): Promise<void> {
  stopping = true;
  await Promise.all(
    children.map(async ({ process: child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}
process.on("exit", () => {
  for (const { process: child } of children) if (child.exitCode === null) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void stopAll().then(() => process.exit(130)));
}

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: projectRoot,
      env: { ...process.env, ...appEnv, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(" ")} failed (${code}):\n${out}`)),
    );
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Peak resident memory of a process (VmHWM), in MB. */
function peakMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

// ---------------------------------------------------------------- helpers

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}

async function signIn(port: number, email: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/auth/get_token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in of ${email} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

const booking = (token: string, slotId: number, patientId: number, date: string): Shot => ({
  method: "POST",
  path: "/patient/new_appointment",
  headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
  body: JSON.stringify({ slot_id: slotId, patient_id: patientId, date }),
});

/** Round-robin over ports, one generator each. */
const spread = (ports: readonly number[], next: () => Shot): LoadTarget[] =>
  ports.map((port) => ({ port, next }));

/** Waits until the outbox is relayed and the projection queue is empty (bounded). */
async function drain(db: pg.Client, redis: Redis, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const prefix = `bull:${PROJECTION_QUEUE}`;
  for (;;) {
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL",
    );
    const [wait, active, prioritized] = await Promise.all([
      redis.llen(`${prefix}:wait`),
      redis.llen(`${prefix}:active`),
      redis.zcard(`${prefix}:prioritized`),
    ]);
    if ((rows[0]?.n ?? 0) + wait + active + prioritized === 0) return Date.now() - started;
    if (Date.now() - started > timeoutMs) return Number.NaN;
    await sleep(200);
  }
}

// ---------------------------------------------------------------- the run

async function main() {
  const began = Date.now();
  const timer = setTimeout(() => {
    say(`deadline of ${deadlineMs / 1000} s passed; stopping`);
    void stopAll().then(() => process.exit(1));
  }, deadlineMs);
  timer.unref();

  // Own database, recreated each run; own Redis, emptied.
  const maintenance = new URL(DATABASE_URL);
  const dbName = decodeURIComponent(maintenance.pathname.slice(1));
  maintenance.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: maintenance.href });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
  await admin.end();
  say((await run("bash", ["scripts/services.sh"])).trim().replace(/\n/g, "; "));
  await run("npx", ["tsc", "-p", "tsconfig.build.json"]);
  say("built dist/ (the processes under test run compiled JavaScript, as in production)");
  const redis = new Redis(REDIS_URL, { lazyConnect: false });
  await redis.flushall();
  await runMigrations(DATABASE_URL, path.join(projectRoot, "migrations"), createLogger("warn"));

  const db = new pg.Client({ connectionString: DATABASE_URL });
  // A connection PostgreSQL ends (a restart mid-run) fails the next query with a message, not the process.
  db.on("error", (error) => say(`bench database connection lost: ${error.message}`));
  await db.connect();
  const passwordHash = await new Argon2PasswordHasher().hash(BENCH_PASSWORD);
  let t = performance.now();
  await seed(db, scale, passwordHash);
  const { rows: counts } = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM doctors) AS doctors, (SELECT count(*)::int FROM patients) AS patients,
            (SELECT count(*)::int FROM appointments) AS appointments, (SELECT count(*)::int FROM slots) AS slots`,
  );
  const dataSet = counts[0] ?? {};
  const seedSeconds = (performance.now() - t) / 1000;
  say(`seeded in ${seedSeconds.toFixed(1)} s: ${JSON.stringify(dataSet)}`);

  // 6. Full rebuild of the search index (a separate process, as an operator runs it).
  t = performance.now();
  const rebuilt = await run(process.execPath, [compiled("src/cli.ts"), "projections:rebuild"]);
  notes.push(/projections:rebuild: .*/.exec(rebuilt)?.[0] ?? "projections:rebuild printed no summary");
  const rebuildSeconds = (performance.now() - t) / 1000;
  say(`projections:rebuild in ${rebuildSeconds.toFixed(1)} s`);

  // The processes under test.
  const basePort = Number(process.env.BENCH_BASE_PORT ?? 5180);
  const barePorts = Array.from({ length: replicas }, (_, i) => basePort + i);
  const apiPorts = Array.from({ length: replicas }, (_, i) => basePort + 10 + i);
  const uncachedPorts = Array.from({ length: replicas }, (_, i) => basePort + 20 + i);
  barePorts.forEach((port, i) => {
    start(`bare-${i}`, "bench/bare-hono.ts", [], { PORT: String(port) });
  });
  const apis = apiPorts.map((port, i) => start(`api-${i}`, "src/main.ts", ["--api"], { PORT: String(port) }));
  uncachedPorts.forEach((port, i) => {
    start(`api-nocache-${i}`, "src/main.ts", ["--api"], {
      PORT: String(port),
      CACHE_ENABLED: "false",
      SEARCH_CACHE_TTL_MS: "0",
    });
  });
  for (let i = 0; i < replicas; i++) start(`worker-${i}`, "src/main.ts", ["--worker"], {});
  // One more API process, whose connections to PostgreSQL pass a proxy that counts round trips (4e).
  const database = new URL(DATABASE_URL);
  const wire = await countingProxy({ host: database.hostname, port: Number(database.port || 5432) });
  const proxied = new URL(DATABASE_URL);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(wire.port);
  const countedPort = basePort + 30;
  start("api-counted", "src/main.ts", ["--api"], { PORT: String(countedPort), DATABASE_URL: proxied.href });
  // And one that sheds load past a small in-flight bound, for the overload scenario (8).
  const shedPort = basePort + 40;
  const shedApi = start("api-shed", "src/main.ts", ["--api"], {
    PORT: String(shedPort),
    SHED_MAX_IN_FLIGHT: String(OVERLOAD_IN_FLIGHT),
  });
  await Promise.all([
    ...barePorts.map((p) => waitFor(`http://127.0.0.1:${p}/bare`)),
    ...[...apiPorts, ...uncachedPorts, countedPort, shedPort].map((p) =>
      waitFor(`http://127.0.0.1:${p}/health`),
    ),
  ]);
  say(`${children.length} processes up`);

  const firstApi = apiPorts[0] as number;
  const accounts = await loadAccounts(db, scale);
  const lag = await lagDoctors(db, scale);
  t = performance.now();
  const userTokens = await mapLimit(accounts, 4, (a) => signIn(firstApi, a.email));
  const lagTokens = await mapLimit(lag, 4, (d) => signIn(firstApi, d.email));
  say(`${userTokens.length + lagTokens.length} sign-ins in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const { rows: idRows } = await db.query<{ id: number }>("SELECT id FROM doctors ORDER BY id");
  const doctorIds = idRows.map((r) => r.id);
  const { rows: specRows } = await db.query<{ name: string }>("SELECT name FROM specializations ORDER BY id");
  const specializations = specRows.map((r) => r.name);
  const days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
  const rows: Row[] = [];
  const memoryTrail: string[] = [];
  const sampleMemory = (after: string) => {
    memoryTrail.push(`${after} ${apis.map((api) => fmt(peakMb(api.pid))).join("+")}`);
    apis[0]?.kill("SIGUSR2");
    memoryMarks.push(after);
  };
  const memoryMarks: string[] = [];
  rmSync(memoryReportFile, { force: true });
  sampleMemory("idle");

  // 1. The ceiling: bare Hono.
  const bare = await load(
    spread(barePorts, () => ({ path: "/bare" })),
    { connections: READ_CONNECTIONS, seconds, warmUpSeconds },
  );
  rows.push({
    id: "1",
    scenario: "bare Hono, 1 KB JSON",
    load: bare,
    measured: "ceiling",
    target: "",
    ok: null,
  });
  say(`1 bare: ${fmt(bare.rps)} req/s`);

  // 2. Doctor reads, cache warm (every id read once first, plain and compressed: an answer is encoded
  // once, the first time it is asked for compressed) and cache off.
  const askCompressed = { "accept-encoding": "gzip, deflate, br" };
  for (const headers of [{}, askCompressed]) {
    let cursor = 0;
    await load(
      spread(apiPorts, () => ({ path: `/doctors/get/${doctorIds[cursor++ % doctorIds.length]}`, headers })),
      { connections: 20, amount: doctorIds.length },
    );
  }
  const randomDoctor = () => ({ path: `/doctors/get/${pick(doctorIds)}` });
  // 2a and 2c are compared with each other: run in turns, so that both see the machine's drift.
  const [cached, compressed] = await alternately(
    spread(apiPorts, randomDoctor),
    // The same reads asked compressed, as browsers ask (answers over 1 KB are compressed).
    spread(apiPorts, () => ({ ...randomDoctor(), headers: askCompressed })),
    { connections: READ_CONNECTIONS, seconds, warmUpSeconds, rounds: PAIRED_ROUNDS },
  );
  const uncached = await load(spread(uncachedPorts, randomDoctor), {
    connections: READ_CONNECTIONS,
    seconds,
    warmUpSeconds,
  });
  // A page of search results (20 doctors, ~25 KB of JSON), plain and asked compressed, in turns.
  const specializationPage = () => ({
    path: `/misc/doctors/specialization/${encodeURIComponent(pick(specializations))}`,
  });
  const [pagePlain, pageCompressed] = await alternately(
    spread(apiPorts, specializationPage),
    spread(apiPorts, () => ({ ...specializationPage(), headers: askCompressed })),
    { connections: READ_CONNECTIONS, seconds, warmUpSeconds, rounds: PAIRED_ROUNDS },
  );
  const ofBare = cached.rps / bare.rps;
  const speedUp = cached.rps / uncached.rps;
  const ofPlain = compressed.rps / cached.rps;
  const pageOfPlain = pageCompressed.rps / pagePlain.rps;
  rows.push({
    id: "2a",
    scenario: "GET /doctors/get/{id}, cache warm",
    load: cached,
    measured: `${fmt(ofBare, 2)} × bare`,
    target: "≥ 0.6 × bare (first bar 0.5)",
    ok: ofBare >= 0.6 && cached.failed + cached.socketErrors === 0,
  });
  rows.push({
    id: "2b",
    scenario: "GET /doctors/get/{id}, CACHE_ENABLED=false",
    load: uncached,
    measured: `cache speed-up ${fmt(speedUp, 1)}×`,
    target: "≥ 8 × uncached",
    ok: speedUp >= 8 && uncached.failed + uncached.socketErrors === 0,
  });
  rows.push({
    id: "2c",
    scenario: "GET /doctors/get/{id}, cache warm, Accept-Encoding: gzip, br",
    load: compressed,
    measured: `${fmt(ofPlain, 2)} × 2a (in turns with 2a)`,
    target: "≥ 0.9 × 2a (no slower)",
    ok: ofPlain >= 0.9 && compressed.failed + compressed.socketErrors === 0,
  });
  rows.push({
    id: "2d",
    scenario: "search page (20 doctors), Accept-Encoding: gzip, br",
    load: pageCompressed,
    measured: `${fmt(pageOfPlain, 2)} × plain (${fmt(pagePlain.rps)} req/s, in turns)`,
    target: "≥ 0.9 × plain (no slower)",
    ok: pageOfPlain >= 0.9 && pageCompressed.failed + pageCompressed.socketErrors === 0,
  });
  say(
    `2 cached ${fmt(cached.rps)} / compressed ${fmt(compressed.rps)} / uncached ${fmt(uncached.rps)} req/s; search page ${fmt(pagePlain.rps)} / compressed ${fmt(pageCompressed.rps)}`,
  );
  sampleMemory("2");

  // 3. Search: specialization + day filters, and a name prefix, at 50 connections; beside each, its
  // ceiling: FT.SEARCH with the same queries straight through the search adapter (3d, 3e).
  const filteredParams = () => ({ specialization: pick(specializations), day: pick(days) });
  const filtered = await load(
    spread(apiPorts, () => {
      const p = filteredParams();
      return {
        path: `/misc/doctors/search?specialization=${encodeURIComponent(p.specialization)}&day=${p.day}`,
      };
    }),
    { connections: READ_CONNECTIONS, seconds, warmUpSeconds },
  );
  const prefixed = await load(
    spread(apiPorts, () => ({ path: `/misc/doctors/${pick(NAME_PREFIXES)}` })),
    { connections: READ_CONNECTIONS, seconds, warmUpSeconds },
  );
  const searchRedis = createSearchRedis(REDIS_URL, "bench-search");
  await new Promise((resolve) => searchRedis.once("ready", resolve));
  const searchIndexName = loadConfig(appEnv).SEARCH_INDEX;
  // Built as the API builds its index (src/composition/infrastructure.ts).
  const searchIndex = new RediSearchDoctorIndex(searchRedis, searchIndexName, {
    keyPrefix: "doctor:",
    queryTimeoutMs: loadConfig(appEnv).SEARCH_TIMEOUT_MS,
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
  const filteredUncached = await load(
    spread(uncachedPorts, () => {
      const p = filteredParams();
      return {
        path: `/misc/doctors/search?specialization=${encodeURIComponent(p.specialization)}&day=${p.day}`,
      };
    }),
    { connections: READ_CONNECTIONS, seconds, warmUpSeconds },
  );
  // 3f. A hot search: one query asked again and again (a landing page's default search); its ceiling 3g
  // is FT.SEARCH of that same query.
  const hotParams = { specialization: specializations[0] ?? "cardiologist", day: "monday" };
  const hot = await load(
    spread(apiPorts, () => ({
      path: `/misc/doctors/search?specialization=${encodeURIComponent(hotParams.specialization)}&day=${hotParams.day}`,
    })),
    { connections: READ_CONNECTIONS, seconds, warmUpSeconds },
  );
  const hotCeiling = await rawSearch(() => toDoctorSearchQuery({ ...pageDefaults, ...hotParams }));
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
    measured: `${fmt(hotOfCeiling, 2)} × 3g, ${fmt(hot.rps / bare.rps, 2)} × bare (its own ceiling)`,
    target: "≥ 3 × 3g",
    ok: hotOfCeiling >= 3 && hot.failed + hot.socketErrors === 0,
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
  say(
    `3 search ${fmt(filtered.rps)} / ${fmt(prefixed.rps)} req/s (uncached ${fmt(filteredUncached.rps)}, hot ${fmt(hot.rps)}); FT.SEARCH ceilings ${fmt(filteredCeiling.rps)} / ${fmt(prefixedCeiling.rps)} / ${fmt(hotCeiling.rps)} /s`,
  );
  sampleMemory("3");

  // 3c. Search cost: the most expensive query the API accepts against a typical one, each alone.
  const cost = await measureSearchCost(searchIndex, searchRedis, searchIndexName);
  searchRedis.disconnect();
  rows.push({
    id: "3c",
    scenario: "search cost: most expensive accepted query / typical, Redis time alone",
    measured: `${fmt(cost.ratio, 1)} × (${cost.worst.label}: ${fmt(cost.worst.ms, 2)} ms / ${fmt(cost.typicalMs, 2)} ms)`,
    target: "≤ 10 ×",
    ok: cost.ratio <= 10,
  });
  notes.push(
    `search cost (median of 30, alone): ${cost.lines.join("; ")}; before words were capped, 'co' × 40 cost ${fmt(cost.uncappedMs, 2)} ms`,
  );
  say(`3c search cost ${fmt(cost.ratio, 1)} × typical`);

  // 4a. Uncontended booking: every request a different, empty sitting. Beside it, at the same
  // concurrency and for as long, its ceilings straight through `pg` on sittings and accounts of their
  // own (4c, 4d): disjoint slices of the free sittings, patients of accounts that do not book over HTTP.
  const patients = accounts.flatMap((a, i) =>
    a.patientIds.map((id) => ({ id, token: userTokens[i] as string })),
  );
  const want = flags.tiny
    ? { http: 400, sequence: 300, oneStatement: 300 }
    : flags.quick
      ? { http: 20_000, sequence: 20_000, oneStatement: 40_000 }
      : { http: 40_000, sequence: 40_000, oneStatement: 100_000 };
  const wanted = want.http + want.sequence + want.oneStatement;
  const free = await freeSittings(db, wanted);
  // A data set with fewer free sittings than wanted (--tiny) is shared out in the same proportions.
  const share = (n: number) => Math.floor((n * Math.min(free.length, wanted)) / wanted);
  const sittings = free.slice(0, share(want.http));
  // Scenario 4e's sittings, which 4a does not book.
  const countingSittings = sittings.splice(-(ROUND_TRIP_WARM_UP + ROUND_TRIP_BOOKINGS)).reverse();
  const sequenceSittings = free.slice(sittings.length, sittings.length + share(want.sequence));
  const oneStatementSittings = free.slice(
    sittings.length + sequenceSittings.length,
    sittings.length + sequenceSittings.length + share(want.oneStatement),
  );
  const ceilingPatients = await ceilingAccounts(
    db,
    accounts.map((a) => a.userId),
    flags.tiny ? 100 : 5_000,
  );
  if (ceilingPatients.length === 0) throw new Error("no patients outside the load accounts for 4c/4d");
  // Shot i books sitting i with the i-th patient (round robin): a patient is never twice in a sitting.
  const shotsOf = (list: readonly { slotId: number; date: string }[]): BookingShot[] =>
    list.map((sitting, i) => ({
      ...sitting,
      ...(ceilingPatients[i % ceilingPatients.length] as (typeof ceilingPatients)[number]),
    }));
  let b = 0;
  const nextBooking = () => {
    const i = b++;
    const sitting = sittings[i % sittings.length] as { slotId: number; date: string };
    const patient = patients[i % patients.length] as { id: number; token: string };
    return booking(patient.token, sitting.slotId, patient.id, sitting.date);
  };
  // A short unmeasured run first: the write path's code is compiled and its pool connections opened, as
  // they are in a service that has been up for a while (the reads before this never touched them).
  const warmUp = await load(spread(apiPorts, nextBooking), {
    connections: BOOKING_CONNECTIONS,
    ...(flags.tiny ? { amount: 50 } : { seconds: 2 }),
  });
  notes.push(
    `4a was measured after an unmeasured warm-up of ${warmUp.requests} bookings on other sittings (${fmt(warmUp.rps)}/s)`,
  );
  const bookingLimit =
    sittings.length < 5_000
      ? { amount: Math.min(Math.floor(0.6 * (sittings.length - b)), 300 * seconds) }
      : { seconds };
  const uncontended = await load(spread(apiPorts, nextBooking), {
    connections: BOOKING_CONNECTIONS,
    ...bookingLimit,
  });
  say(`4a booking ${fmt(uncontended.rps)}/s p99 ${fmt(uncontended.p99, 1)} ms`);
  sampleMemory("4a");

  // 4e. Round trips per booking, counted on the wire (bench/round-trips.ts) through the counted API
  // process: one account books one sitting after another (sittings of its own), its session already
  // looked up once; a few unmeasured bookings first.
  const counter = patients[0] as { id: number; token: string };
  let counted201 = 0;
  for (const [i, sitting] of countingSittings.entries()) {
    if (i === ROUND_TRIP_WARM_UP) wire.reset();
    const shot = booking(counter.token, sitting.slotId, counter.id, sitting.date);
    const res = await fetch(`http://127.0.0.1:${countedPort}${shot.path}`, {
      method: "POST",
      headers: shot.headers as Record<string, string>,
      body: shot.body as string,
    });
    await res.arrayBuffer();
    if (i >= ROUND_TRIP_WARM_UP && res.status === 201) counted201++;
  }
  const roundTrips = wire.count() / counted201;
  await wire.close();
  const roundTripRow: Row = {
    id: "4e",
    scenario: "round trips to PostgreSQL per booking, counted on the wire",
    measured: `${fmt(roundTrips, 1)} (${counted201} bookings; BEGIN/COMMIT included)`,
    target: "≤ 5",
    ok: counted201 > 0 && roundTrips <= 5,
  };
  say(`4e ${fmt(roundTrips, 1)} round trips per booking`);

  // The ceilings run once the worker has projected 4a's bookings, so that it does not compete with them.
  const drainAfter4a = await drain(db, redis, flags.tiny ? 20_000 : 120_000);
  const ceilings = await bookingCeilings(
    DATABASE_URL,
    { sequence: shotsOf(sequenceSittings), oneStatement: shotsOf(oneStatementSittings) },
    BOOKING_CONNECTIONS,
    flags.tiny ? { amount: 300 * seconds } : { seconds },
  );
  notes.push(
    `4c/4d ran after the projection backlog of 4a drained (${fmt(drainAfter4a / 1000, 1)} s), on ${sequenceSittings.length} + ${oneStatementSittings.length} sittings of their own, ${ceilingPatients.length} patients of accounts that do not book over HTTP`,
  );
  const one = ceilings.oneStatement;
  const ofOne = uncontended.rps / one.rps;
  const p99OfOne = uncontended.p99 / one.p99;
  rows.push({
    id: "4a",
    scenario: "booking, uncontended",
    load: uncontended,
    measured: `${fmt(ofOne, 2)} × 4d (first bar ${ofOne >= 0.25 ? "✓" : "✗"}), p99 ${fmt(p99OfOne, 1)} × 4d's, ${fmt(uncontended.rps / ceilings.sequence.rps, 2)} × 4c`,
    target: "≥ 0.35 × 4d (first bar 0.25), p99 ≤ 3 × 4d's, 0 errors",
    ok: ofOne >= 0.35 && p99OfOne <= 3 && uncontended.failed === 0 && uncontended.socketErrors === 0,
  });
  for (const [id, scenario, ceiling] of [
    [
      "4c",
      `SQL ceiling: the booking's statement sequence (${BOOKING_ROUND_TRIPS} round trips)`,
      ceilings.sequence,
    ],
    ["4d", "SQL ceiling: one-statement booking (lock + seat + appointment + outbox)", one],
  ] as const) {
    rows.push({
      id,
      scenario,
      load: asMeasured(ceiling),
      measured: ceiling.firstError ? `ceiling; first error: ${ceiling.firstError}` : "ceiling",
      target: "0 errors",
      ok: ceiling.errors === 0,
    });
  }
  rows.push(roundTripRow);
  say(
    `4c/4d SQL ceilings ${fmt(ceilings.sequence.rps)} / ${fmt(one.rps)} bookings/s, p99 ${fmt(ceilings.sequence.p99, 1)} / ${fmt(one.p99, 1)} ms`,
  );

  // 4b. Contended: 200 concurrent requests (distinct patients) on each 10-seat sitting.
  const fighters = patients.slice(0, CONTENDED_REQUESTS);
  const fights = await contendedSittings(db, scale.contendedSittings, 0);
  const shots = fights.flatMap((s) => fighters.map((p) => booking(p.token, s.slotId, p.id, s.date)));
  // Interleaved so that every sitting is fought over at the same time.
  const interleaved = fighters.flatMap((_, j) =>
    fights.map((_, k) => shots[k * fighters.length + j] as Shot),
  );
  const perPort = apiPorts.map((_, k) => interleaved.filter((_, j) => j % apiPorts.length === k));
  const contended = await load(
    apiPorts.map((port, k) => {
      let c = 0;
      const mine = perPort[k] as Shot[];
      return { port, next: () => mine[c++ % mine.length] as Shot };
    }),
    { connections: fighters.length, amount: interleaved.length },
  );
  const { rows: held } = await db.query<{ slotId: number; live: number; seats: number }>(
    `SELECT slot_id AS "slotId", count(*)::int AS live, count(DISTINCT seat)::int AS seats
     FROM appointments WHERE slot_id = ANY($1::int[]) AND status <> 'cancelled' GROUP BY slot_id ORDER BY slot_id`,
    [fights.map((f) => f.slotId)],
  );
  const created = contended.statuses.get(201) ?? 0;
  const full = contended.statuses.get(409) ?? 0;
  const exact =
    held.length === fights.length &&
    held.every((h) => h.live === 10 && h.seats === 10) &&
    created === 10 * fights.length &&
    full === interleaved.length - created;
  const sqlLine = held.map((h) => `slot ${h.slotId}: ${h.live} live / ${h.seats} seats`).join(", ");
  notes.push(`4b SQL after the contended run: ${sqlLine} (201: ${created}, 409: ${full})`);
  rows.push({
    id: "4b",
    scenario: `booking, contended: ${fighters.length} at once on ${fights.length} × 10 seats`,
    load: contended,
    measured: `${created} × 201, ${full} × 409; SQL ${held.map((h) => h.live).join("/")} per sitting`,
    target: "exactly 10 per sitting",
    ok: exact && contended.socketErrors === 0,
  });
  say(`4b ${sqlLine}`);
  sampleMemory("4b");

  // 5. Projection lag: a write's answer → visible in search, writing at half of 4a's booking rate.
  const drainMs = await drain(db, redis, flags.tiny ? 20_000 : 120_000);
  notes.push(
    `projection backlog from the booking runs drained in ${fmt(drainMs / 1000, 1)} s before scenario 5`,
  );
  // At least one write a second, should 4a have booked nothing.
  const lagPace = Number.isFinite(uncontended.rps) ? Math.max(1, LAG_SHARE_OF_BOOKINGS * uncontended.rps) : 1;
  const lagResult = await projectionLag(apiPorts, lag, lagTokens, specializations, lagPace);
  rows.push({
    id: "5",
    scenario: `projection lag, writes paced at ½ × 4a = ${fmt(lagPace)}/s (${fmt(lagResult.writesPerSecond)}/s sent)`,
    load: lagResult.writes,
    measured: `lag p50 ${fmt(lagResult.p50)} ms, p99 ${fmt(lagResult.p99)} ms${lagResult.unseen ? `, ${lagResult.unseen} unseen` : ""}`,
    target: "p99 ≤ 1000 ms",
    ok: lagResult.p99 <= 1000 && lagResult.unseen === 0 && lagResult.writes.failed === 0,
  });
  say(`5 lag p50 ${fmt(lagResult.p50)} p99 ${fmt(lagResult.p99)} ms`);
  sampleMemory("5");

  // 8. Overload: bookings offered at twice 4a's rate for 10 s, open loop, to an API process that sheds
  // load past SHED_MAX_IN_FLIGHT; then, one second after the last was sent, bookings at 4a's concurrency.
  const spare = sittings.slice(b);
  const overloadRate = Math.max(
    2,
    OVERLOAD_FACTOR * (Number.isFinite(uncontended.rps) ? uncontended.rps : 1),
  );
  const overloadSeconds = flags.tiny ? 1 : 10;
  const spareShot = (i: number) => {
    const sitting = spare[i] as { slotId: number; date: string };
    const patient = patients[i % patients.length] as { id: number; token: string };
    return booking(patient.token, sitting.slotId, patient.id, sitting.date);
  };
  // Warmed up as 4a's process was (code compiled, pool connections open, the accounts' sessions looked
  // up once): unmeasured bookings at 4a's concurrency, one per load account at least.
  let w = 0;
  await load([{ port: shedPort, next: () => spareShot(w++) }], {
    connections: BOOKING_CONNECTIONS,
    amount: Math.min(Math.max(accounts.length, Math.round(2 * overloadRate)), Math.floor(spare.length / 4)),
  });
  const burstFrom = w;
  const overloadTotal = Math.max(
    0,
    Math.min(Math.round(overloadRate * overloadSeconds), spare.length - burstFrom - RECOVERY_BOOKINGS),
  );
  const burst = overload(shedPort, (i) => (i < overloadTotal ? spareShot(burstFrom + i) : null), {
    ratePerSecond: overloadRate,
    seconds: overloadSeconds,
    timeoutMs: 10_000,
  });
  await burst.sent;
  await sleep(1_000);
  let r = burstFrom + overloadTotal;
  const recovery = await load([{ port: shedPort, next: () => spareShot(r++) }], {
    connections: BOOKING_CONNECTIONS,
    amount: Math.max(0, Math.min(RECOVERY_BOOKINGS, spare.length - r)),
  });
  const flood = await burst.answered;
  const count = (status: number) => flood.statuses.get(status) ?? 0;
  const answeredCount = [...flood.statuses.values()].reduce((a, n) => a + n, 0);
  const pct = (n: number) => `${fmt((100 * n) / Math.max(1, flood.sent))} %`;
  const errors5xx = [...flood.statuses].filter(([s]) => s >= 500 && s !== 503).reduce((a, [, n]) => a + n, 0);
  const others = answeredCount - count(201) - count(409) - count(503) - errors5xx;
  const acceptedP99 = flood.p99.get(201) ?? Number.NaN;
  const acceptedOfUncontended = acceptedP99 / uncontended.p99;
  const recoveryOfUncontended = recovery.p99 / uncontended.p99;
  const shedPeak = peakMb(shedApi.pid);
  rows.push({
    id: "8",
    scenario: `overload: bookings offered at ${OVERLOAD_FACTOR} × 4a = ${fmt(overloadRate)}/s for ${overloadSeconds} s (SHED_MAX_IN_FLIGHT=${OVERLOAD_IN_FLIGHT})`,
    measured:
      `${flood.sent} sent: 201 ${pct(count(201))}, 409 ${pct(count(409))}, 503 ${pct(count(503))} (p99 ${fmt(flood.p99.get(503) ?? Number.NaN, 1)} ms)` +
      `${others > 0 ? `, other ${others}` : ""}; 5xx but 503: ${errors5xx}, timeouts ${flood.timeouts}, socket errors ${flood.socketErrors}; ` +
      `accepted p99 ${fmt(acceptedP99, 1)} ms = ${fmt(acceptedOfUncontended, 1)} × 4a's; 1 s after: p99 ${fmt(recovery.p99, 1)} ms = ${fmt(recoveryOfUncontended, 1)} × 4a's; RSS ${fmt(shedPeak)} MB`,
    target: "no 500/timeout; accepted p99 ≤ 4 × 4a's; 1 s after ≤ 2 × 4a's; RSS ≤ 250 MB",
    ok:
      errors5xx === 0 &&
      others === 0 &&
      flood.timeouts === 0 &&
      flood.socketErrors === 0 &&
      acceptedOfUncontended <= 4 &&
      recoveryOfUncontended <= 2 &&
      recovery.failed === 0 &&
      shedPeak <= 250,
  });
  say(
    `8 overload: ${flood.sent} sent, 201 ${count(201)}, 409 ${count(409)}, 503 ${count(503)}, 5xx ${errors5xx}, timeouts ${flood.timeouts}; accepted p99 ${fmt(acceptedP99, 1)} ms; after p99 ${fmt(recovery.p99, 1)} ms`,
  );

  // 6. and 7.
  // The target is for 10,000 doctors; a smaller data set still gets the 10 s (process start dominates).
  const allowedSeconds = 10 * Math.max(1, (dataSet.doctors ?? 0) / 10_000);
  rows.push({
    id: "6",
    scenario: `projections:rebuild, ${dataSet.doctors} doctors`,
    measured: `${fmt(rebuildSeconds, 1)} s (process start included)`,
    target: "≤ 10 s per 10,000",
    ok: rebuildSeconds <= allowedSeconds,
  });
  notes.push(`API peak RSS (MB) after each scenario: ${memoryTrail.join(", ")}`);
  // Where the first API process's memory is, at each of those moments (bench/memory-report.mjs).
  const mb = (bytes: number) => fmt(bytes / 2 ** 20);
  const reports = existsSync(memoryReportFile)
    ? readFileSync(memoryReportFile, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, number> & { spaces: Record<string, number> })
    : [];
  notes.push(
    `API memory (MB: rss = V8 heap total [used] + external [of it array buffers] + the rest: code, native allocations, stacks): ${reports
      .map((r, i) => {
        const [rss, heap, used, external, buffers] = [
          r.rss,
          r.heapTotal,
          r.heapUsed,
          r.external,
          r.arrayBuffers,
        ].map((n) => n ?? 0) as [number, number, number, number, number];
        return `${memoryMarks[i] ?? "?"} ${mb(rss)} = ${mb(heap)} [${mb(used)}] + ${mb(external)} [${mb(buffers)}] + ${mb(rss - heap - external)}`;
      })
      .join("; ")}; largest heap spaces at the end: ${Object.entries(reports.at(-1)?.spaces ?? {})
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([space, used]) => `${space} ${mb(used)}`)
      .join(", ")}`,
  );
  const peaks = apis.map((api) => peakMb(api.pid));
  const peak = Math.max(...peaks);
  rows.push({
    id: "7",
    scenario: "API process peak RSS (VmHWM)",
    measured: `${peaks.map((p) => `${fmt(p)} MB`).join(" + ")}`,
    target: "≤ 250 MB per process",
    ok: peak <= 250,
  });

  // Booking guarantees over the whole data set, after everything.
  const { rows: guarantees } = await db.query<{
    overbooked: number;
    doubleSeat: number;
    doublePatient: number;
  }>(
    `SELECT
       (SELECT count(*)::int FROM (SELECT 1 FROM appointments WHERE status <> 'cancelled'
          GROUP BY slot_id, sitting_date HAVING count(*) > max(capacity)) x) AS overbooked,
       (SELECT count(*)::int FROM (SELECT 1 FROM appointments WHERE status <> 'cancelled'
          GROUP BY slot_id, sitting_date, seat HAVING count(*) > 1) y) AS "doubleSeat",
       (SELECT count(*)::int FROM (SELECT 1 FROM appointments WHERE status <> 'cancelled'
          GROUP BY slot_id, sitting_date, patient_id HAVING count(*) > 1) z) AS "doublePatient"`,
  );
  const g = guarantees[0];
  notes.push(
    `SQL over all ${dataSet.appointments}+ appointments: ${g?.overbooked} overbooked sittings, ${g?.doubleSeat} seats given twice, ${g?.doublePatient} patients twice in a sitting`,
  );

  await stopAll();
  await db.end();
  redis.disconnect();

  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const cpu = os.cpus()[0]?.model ?? "unknown";
  console.log("");
  console.log(
    `machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`,
  );
  console.log(`date: ${new Date().toISOString()}`);
  console.log(`command: ${command}`);
  console.log(
    `data set: ${dataSet.doctors} doctors, ${dataSet.slots} slots, ${dataSet.patients} patients, ${dataSet.appointments} appointments (seeded in ${fmt(seedSeconds, 1)} s); ${replicas} API process(es) + ${replicas} worker(s); ${seconds} s per scenario; reads at ${READ_CONNECTIONS} connections, bookings at ${BOOKING_CONNECTIONS}`,
  );
  console.log("");
  console.log(table(rows));
  console.log("");
  for (const note of notes) console.log(`- ${note}`);
  console.log(`- total bench time ${fmt((Date.now() - began) / 1000)} s`);
  const guaranteesHeld = g?.overbooked === 0 && g.doubleSeat === 0 && g.doublePatient === 0 && exact;
  if (!guaranteesHeld) {
    console.log("BOOKING GUARANTEE BROKEN");
    process.exitCode = 1;
  }
}

interface LagOutcome {
  readonly writes: LoadResult;
  readonly writesPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly unseen: number;
}

/**
 * Writes at `writesPerSecond` (half of the booking rate 4a measured): each adds one specialization to a doctor whose name holds a unique word, then
 * polls search (every 50 ms, for at most 5 s) until that doctor shows up under the specialization.
 */
async function projectionLag(
  ports: readonly number[],
  doctors: readonly { id: number; word: string }[],
  tokens: readonly string[],
  specializations: readonly string[],
  writesPerSecond: number,
): Promise<LagOutcome> {
  const total = Math.min(Math.round(writesPerSecond * seconds), doctors.length * specializations.length);
  const lags: number[] = [];
  const writeLatencies: number[] = [];
  const statuses = new Map<number, number>();
  let socketErrors = 0;
  let unseen = 0;
  const started = performance.now();
  const one = async (i: number) => {
    const d = i % doctors.length;
    const doctor = doctors[d] as { id: number; word: string };
    const specialization = specializations[Math.floor(i / doctors.length)] as string;
    const base = `http://127.0.0.1:${ports[i % ports.length]}`;
    const sent = performance.now();
    let answered: number;
    try {
      const res = await fetch(`${base}/doctors/add_specializations`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tokens[d]}` },
        body: JSON.stringify({ specializations: [specialization] }),
      });
      await res.arrayBuffer();
      answered = performance.now();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      writeLatencies.push(answered - sent);
      if (res.status !== 201 && res.status !== 200) return;
    } catch {
      socketErrors++;
      return;
    }
    const query = `${base}/misc/doctors/search?q=${doctor.word}&specialization=${encodeURIComponent(specialization)}&per_page=100`;
    while (performance.now() - answered < LAG_BOUND_MS) {
      try {
        const page = (await (await fetch(query)).json()) as { data?: { id: number }[] };
        if (page.data?.some((x) => x.id === doctor.id)) {
          lags.push(performance.now() - answered);
          return;
        }
      } catch {
        socketErrors++;
      }
      await sleep(LAG_POLL_MS);
    }
    unseen++;
  };
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / writesPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(one(i));
  }
  const writingSeconds = (performance.now() - started) / 1000;
  await Promise.all(pending);
  let failed = 0;
  for (const [status, count] of statuses) if (status < 200 || status >= 400) failed += count;
  return {
    writes: {
      requests: writeLatencies.length,
      rps: writeLatencies.length / writingSeconds,
      p50: percentile(writeLatencies, 0.5),
      p99: percentile(writeLatencies, 0.99),
      failed,
      socketErrors,
      statuses,
      latencies: [...writeLatencies].sort((a, b) => a - b),
      seconds: writingSeconds,
    },
    writesPerSecond: total / writingSeconds,
    p50: percentile(lags, 0.5),
    p99: percentile(lags, 0.99),
    unseen,
  };
}

main().catch(async (error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await stopAll();
  process.exit(1);
});
