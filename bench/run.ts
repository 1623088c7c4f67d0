import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import pg from "pg";
import { Argon2PasswordHasher } from "../src/adapters/auth/argon2.password-hasher.js";
import { createLogger } from "../src/adapters/logging/logger.pino.js";
import { runMigrations } from "../src/adapters/postgres/migrate.js";
import { projectRoot } from "../src/config.js";
import {
  type BenchContext,
  BOOKING_CONNECTIONS,
  mapLimit,
  READ_CONNECTIONS,
  type Settings,
} from "./context.js";
import { compiled, Processes, peakMb, waitFor } from "./processes.js";
import { fmt, type Row, table } from "./report.js";
import { countingProxy } from "./round-trips.js";
import { type ScaleOut, startScaleOut } from "./scale-config.js";
import { bookings } from "./scenarios/bookings.js";
import { memoryRow, sampleAfterCollection } from "./scenarios/memory.js";
import { OVERLOAD_IN_FLIGHT, overloadBurst } from "./scenarios/overload.js";
import { projectionLag } from "./scenarios/projection-lag.js";
import { bareHono, doctorReads } from "./scenarios/reads.js";
import { search } from "./scenarios/search.js";
import { BENCH_PASSWORD, FULL, lagDoctors, loadAccounts, seed, TINY } from "./seed.js";

/**
 * `npm run bench [-- --quick] [-- --tiny] [-- --scale] [-- --profile]`: seeds its own database and Redis,
 * starts the app as separate processes and drives it with autocannon on loopback; prints one table.
 * --quick: short scenarios; --tiny: 50 doctors (the test suite's smoke run); --scale: two API processes
 * and two workers with the load split across them, on split Redis roles (cache, counters and queues on
 * a local Redis Cluster, search on its own server) and a lagging read replica (bench/scale-config.ts);
 * --profile: the API processes write --cpu-prof files.
 *
 * This file sets the run up (database, Redis, processes, sign-ins) and runs the scenarios in order;
 * each scenario is in bench/scenarios/ and adds its rows and notes to the report.
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
const settings: Settings = {
  tiny: flags.tiny,
  quick: flags.quick,
  seconds: flags.tiny ? 1 : flags.quick ? 3 : 10,
  warmUpSeconds: flags.tiny ? 0 : 1,
  replicas: flags.scale ? 2 : 1,
  scale: flags.tiny ? TINY : FULL,
};
const logDir = path.join(projectRoot, ".data", "bench");
const deadlineMs = flags.tiny ? 170_000 : flags.quick ? 420_000 : 20 * 60_000;
const memoryReportFile = path.join(logDir, "api-0.memory.jsonl");
/** The hot search's answer, which bare Hono serves as it is for row 3h (written by the search scenario). */
const bareAnswerFile = path.join(logDir, "bare-answer.json");
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

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
const processes = new Processes({ logDir, appEnv, profile: flags.profile, memoryReportFile, say });

async function main() {
  const began = Date.now();
  const timer = setTimeout(() => {
    say(`deadline of ${deadlineMs / 1000} s passed; stopping`);
    void processes.stopAll().then(() => process.exit(1));
  }, deadlineMs);
  timer.unref();
  const { replicas, scale } = settings;
  const notes: string[] = [];

  // Own database, recreated each run; own Redis, emptied.
  const maintenance = new URL(DATABASE_URL);
  const dbName = decodeURIComponent(maintenance.pathname.slice(1));
  maintenance.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: maintenance.href });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
  await admin.end();
  say((await processes.run("bash", ["scripts/services.sh"])).trim().replace(/\n/g, "; "));
  await processes.run("npx", ["tsc", "-p", "tsconfig.build.json"]);
  say("built dist/ (the processes under test run compiled JavaScript, as in production)");
  const redis = new Redis(REDIS_URL, { lazyConnect: false });
  await redis.flushall();
  // --scale: the cluster and the replica, started and checked; every app process gets their settings.
  const scaleOut: ScaleOut | null = flags.scale
    ? await startScaleOut({ databaseUrl: DATABASE_URL, searchRedisUrl: REDIS_URL, processes, say })
    : null;
  if (scaleOut) {
    await scaleOut.flush();
    Object.assign(appEnv, scaleOut.env);
  }
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
  const rebuilt = await processes.run(process.execPath, [compiled("src/cli.ts"), "projections:rebuild"]);
  notes.push(/projections:rebuild: .*/.exec(rebuilt)?.[0] ?? "projections:rebuild printed no summary");
  const rebuildSeconds = (performance.now() - t) / 1000;
  say(`projections:rebuild in ${rebuildSeconds.toFixed(1)} s`);

  // The processes under test.
  const basePort = Number(process.env.BENCH_BASE_PORT ?? 5180);
  const range = (from: number) => Array.from({ length: replicas }, (_, i) => from + i);
  const ports = {
    bare: range(basePort),
    api: range(basePort + 10),
    uncached: range(basePort + 20),
    counted: basePort + 30,
    shed: basePort + 40,
  };
  ports.bare.forEach((port, i) => {
    processes.start(`bare-${i}`, "bench/bare-hono.ts", [], {
      PORT: String(port),
      BARE_ANSWER_FILE: bareAnswerFile,
    });
  });
  const apis = ports.api.map((port, i) =>
    processes.start(`api-${i}`, "src/main.ts", ["--api"], { PORT: String(port) }),
  );
  ports.uncached.forEach((port, i) => {
    processes.start(`api-nocache-${i}`, "src/main.ts", ["--api"], {
      PORT: String(port),
      CACHE_ENABLED: "false",
      SEARCH_CACHE_TTL_MS: "0",
    });
  });
  for (let i = 0; i < replicas; i++) processes.start(`worker-${i}`, "src/main.ts", ["--worker"], {});
  // One more API process, whose connections to PostgreSQL pass a proxy that counts round trips (4e).
  const database = new URL(DATABASE_URL);
  const wire = await countingProxy({ host: database.hostname, port: Number(database.port || 5432) });
  const proxied = new URL(DATABASE_URL);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(wire.port);
  processes.start("api-counted", "src/main.ts", ["--api"], {
    PORT: String(ports.counted),
    DATABASE_URL: proxied.href,
  });
  // And one that sheds load past a small in-flight bound, for the overload scenario (8).
  const shedApi = processes.start("api-shed", "src/main.ts", ["--api"], {
    PORT: String(ports.shed),
    SHED_MAX_IN_FLIGHT: String(OVERLOAD_IN_FLIGHT),
  });
  await Promise.all([
    ...ports.bare.map((p) => waitFor(`http://127.0.0.1:${p}/bare`)),
    ...[...ports.api, ...ports.uncached, ports.counted, ports.shed].map((p) =>
      waitFor(`http://127.0.0.1:${p}/health`),
    ),
  ]);
  say(`${processes.count} processes up`);

  const firstApi = ports.api[0] as number;
  const accounts = await loadAccounts(db, scale);
  const lag = await lagDoctors(db, scale);
  t = performance.now();
  const userTokens = await mapLimit(accounts, 4, (a) => signIn(firstApi, a.email));
  const lagTokens = await mapLimit(lag, 4, (d) => signIn(firstApi, d.email));
  say(`${userTokens.length + lagTokens.length} sign-ins in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const { rows: idRows } = await db.query<{ id: number }>("SELECT id FROM doctors ORDER BY id");
  const { rows: specRows } = await db.query<{ name: string }>("SELECT name FROM specializations ORDER BY id");
  const rows: Row[] = [];
  const trail = { peaks: [] as string[], marks: [] as string[] };
  const ctx: BenchContext = {
    settings,
    databaseUrl: DATABASE_URL,
    redisUrl: REDIS_URL,
    appEnv,
    db,
    redis,
    queue: scaleOut?.queue ?? { redis, prefix: "bull" },
    processes,
    apis,
    shedApi,
    ports,
    wire,
    accounts,
    userTokens,
    lag,
    lagTokens,
    doctorIds: idRows.map((r) => r.id),
    specializations: specRows.map((r) => r.name),
    rows,
    notes,
    say,
    bareAnswerFile,
    sampleMemory: (after) => {
      trail.peaks.push(`${after} ${apis.map((api) => fmt(peakMb(api.pid))).join("+")}`);
      apis[0]?.kill("SIGUSR2");
      trail.marks.push(after);
    },
  };
  rmSync(memoryReportFile, { force: true });
  ctx.sampleMemory("idle");
  await scaleOut?.checkReady(ctx);
  scaleOut?.startSampling();

  const bare = await bareHono(ctx);
  await doctorReads(ctx, bare);
  await search(ctx);
  const booked = await bookings(ctx);
  await projectionLag(ctx, booked.uncontended);
  await overloadBurst(ctx, booked);

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
  const peaks = await sampleAfterCollection(ctx, memoryReportFile);
  memoryRow(ctx, trail, memoryReportFile, peaks);
  const replicaGuarantees = scaleOut ? await scaleOut.finish(ctx) : true;

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

  await processes.stopAll();
  await db.end();
  redis.disconnect();
  await scaleOut?.close();

  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const cpu = os.cpus()[0]?.model ?? "unknown";
  console.log("");
  console.log(
    `machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}`,
  );
  console.log(`date: ${new Date().toISOString()}`);
  console.log(`command: ${command}`);
  console.log(
    `data set: ${dataSet.doctors} doctors, ${dataSet.slots} slots, ${dataSet.patients} patients, ${dataSet.appointments} appointments (seeded in ${fmt(seedSeconds, 1)} s); ${replicas} API process(es) + ${replicas} worker(s); ${settings.seconds} s per scenario; reads at ${READ_CONNECTIONS} connections, bookings at ${BOOKING_CONNECTIONS}`,
  );
  console.log("");
  console.log(table(rows));
  console.log("");
  for (const note of notes) console.log(`- ${note}`);
  console.log(`- total bench time ${fmt((Date.now() - began) / 1000)} s`);
  const guaranteesHeld =
    g?.overbooked === 0 && g.doubleSeat === 0 && g.doublePatient === 0 && booked.exact && replicaGuarantees;
  if (!guaranteesHeld) {
    console.log("BOOKING GUARANTEE BROKEN");
    process.exitCode = 1;
  }
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

main().catch(async (error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await processes.stopAll();
  process.exit(1);
});
