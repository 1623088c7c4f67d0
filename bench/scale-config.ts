/**
 * `npm run bench -- --scale`: the scale-out configuration. Besides two API processes and two workers, each
 * app process gets split Redis roles — the cache, the counters and the queues on a local Redis Cluster
 * (scripts/redis-cluster.sh: 3 masters + 3 replicas), search on the bench's own RediSearch server — and
 * a PostgreSQL read replica (scripts/replica.sh: a streaming replica of the whole local cluster, so the
 * bench database is on it too, replaying 1 s behind). This file starts and checks them, samples the
 * replica's lag while the scenarios run, and proves read-your-writes through the replica at the end.
 *
 * Environment: BENCH_REDIS_CLUSTER_BASE_PORT (6464: the cluster's first port), BENCH_DATABASE_READ_URL
 * (the bench database on port 5433).
 */
import { Cluster } from "ioredis";
import pg from "pg";
import { loadConfig, queuePrefixOf } from "../src/config.js";
import type { BenchContext, QueueView } from "./context.js";
import { percentile } from "./load.js";
import { type Processes, sleep } from "./processes.js";
import { fmt } from "./report.js";

const LAG_SAMPLE_MS = 200;
const READ_YOUR_WRITES_PROBES = 50;
/** How long the probe waits for the other API process (its near cache) to show a change. */
const OTHER_PROCESS_BOUND_MS = 5_000;

export interface ScaleOut {
  /** What every app process gets on top of the bench's environment. */
  readonly env: Record<string, string>;
  /** The queue role's connection (the cluster) and BullMQ's prefix there, for draining the projection queue. */
  readonly queue: QueueView;
  /** Empties the cluster (each master) for a fresh run. */
  flush(): Promise<void>;
  /** Checks that an API process names every backend in /ready with its role, all ok; adds a note. */
  checkReady(ctx: BenchContext): Promise<void>;
  /** Starts sampling the replica's lag (until `finish`). */
  startSampling(): void;
  /** Stops sampling, runs the read-your-writes probe, adds their rows; false if a guarantee broke. */
  finish(ctx: BenchContext): Promise<boolean>;
  close(): Promise<void>;
}

interface LagSample {
  /** pg_stat_replication.replay_lag on the primary, in ms (null while the replica has nothing to replay). */
  readonly replayLagMs: number | null;
  /** WAL the replica has yet to replay: the primary's current LSN minus the replica's replay LSN. */
  readonly bytesBehind: number;
}

/** "16/B374D848" → its byte position. */
const lsnBytes = (lsn: string): bigint => {
  const [hi = "0", lo = "0"] = lsn.split("/");
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
};

export async function startScaleOut(options: {
  databaseUrl: string;
  searchRedisUrl: string;
  processes: Processes;
  say: (line: string) => void;
}): Promise<ScaleOut> {
  const { databaseUrl, searchRedisUrl, processes, say } = options;
  const basePort = Number(process.env.BENCH_REDIS_CLUSTER_BASE_PORT ?? 6464);
  const ports = Array.from({ length: 6 }, (_, i) => basePort + i);
  const seeds = ports.map((p) => `redis://127.0.0.1:${p}`).join(",");
  const readUrl =
    process.env.BENCH_DATABASE_READ_URL ??
    (() => {
      const u = new URL(databaseUrl);
      u.port = "5433";
      return u.href;
    })();
  const dbName = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));

  say(
    (await processes.run("bash", ["scripts/redis-cluster.sh"], { REDIS_CLUSTER_BASE_PORT: String(basePort) }))
      .trim()
      .replace(/\n/g, "; "),
  );
  say(
    (await processes.run("bash", ["scripts/replica.sh"], { REPLICA_PORT: new URL(readUrl).port || "5432" }))
      .trim()
      .replace(/\n/g, "; "),
  );
  const primary = new pg.Client({ connectionString: databaseUrl });
  const replica = new pg.Client({ connectionString: readUrl });
  // The replica must be in recovery (a replica, not a second primary) and have replayed the bench
  // database's creation before the app processes open their read pools.
  const maintenance = new URL(readUrl);
  maintenance.pathname = "/postgres";
  const check = new pg.Client({ connectionString: maintenance.href });
  await check.connect();
  try {
    const { rows } = await check.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r");
    if (rows[0]?.r !== true) throw new Error(`${readUrl} is not a replica (pg_is_in_recovery() is false)`);
    const deadline = Date.now() + 30_000;
    while ((await check.query("SELECT 1 FROM pg_database WHERE datname = $1", [dbName])).rowCount === 0) {
      if (Date.now() > deadline)
        throw new Error(`the replica has not replayed database ${dbName} within 30 s`);
      await sleep(200);
    }
  } finally {
    await check.end();
  }
  await primary.connect();
  await replica.connect();

  const cluster = new Cluster(ports.map((port) => ({ host: "127.0.0.1", port })));
  cluster.on("error", () => undefined);
  await cluster.ping();
  const env = {
    REDIS_CLUSTER: "true",
    CACHE_REDIS_URL: seeds,
    QUEUE_REDIS_URL: seeds,
    SEARCH_REDIS_URL: searchRedisUrl,
    DATABASE_READ_URL: readUrl,
  };
  // BullMQ's prefix as the app processes will use it (a hash tag on a cluster).
  const prefix = queuePrefixOf(loadConfig({ ...env, REDIS_URL: searchRedisUrl })) ?? "bull";

  const samples: LagSample[] = [];
  let sampling = false;
  let sampler: Promise<void> = Promise.resolve();
  const replicaReads = async () => {
    const { rows } = await replica.query<{ n: string }>(
      "SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = $1",
      [dbName],
    );
    return Number(rows[0]?.n ?? 0);
  };
  let readsAtStart = 0;

  return {
    env,
    queue: { redis: cluster, prefix },
    async flush() {
      await Promise.all(cluster.nodes("master").map((node) => node.flushall()));
    },
    async checkReady(ctx) {
      const port = ctx.ports.api[0] as number;
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      const body = (await res.json()) as { checks: Record<string, string>; roles: Record<string, string[]> };
      const roles = Object.entries(body.roles).map(([name, r]) => `${name} (${r.join(", ")})`);
      const notOk = Object.entries(body.checks).filter(([, state]) => state !== "ok");
      if (res.status !== 200 || notOk.length > 0 || !("postgres-replica" in body.checks)) {
        throw new Error(`/ready of the scale-out configuration: ${res.status} ${JSON.stringify(body)}`);
      }
      ctx.notes.push(`scale-out backends (/ready, all ok): ${roles.join("; ")}`);
    },
    startSampling() {
      sampling = true;
      sampler = (async () => {
        readsAtStart = await replicaReads();
        while (sampling) {
          try {
            const [{ rows: p }, { rows: r }] = await Promise.all([
              primary.query<{ lsn: string; lag: number | null }>(
                `SELECT pg_current_wal_lsn()::text AS lsn,
                        (SELECT max(extract(epoch FROM replay_lag)) * 1000 FROM pg_stat_replication)::float8 AS lag`,
              ),
              replica.query<{ lsn: string | null }>("SELECT pg_last_wal_replay_lsn()::text AS lsn"),
            ]);
            const behind = lsnBytes(p[0]?.lsn ?? "0/0") - lsnBytes(r[0]?.lsn ?? "0/0");
            samples.push({
              replayLagMs: p[0]?.lag ?? null,
              bytesBehind: Number(behind > 0n ? behind : 0n),
            });
          } catch (error) {
            say(`replica lag sample failed: ${error instanceof Error ? error.message : String(error)}`);
          }
          await sleep(LAG_SAMPLE_MS);
        }
      })();
    },
    async finish(ctx) {
      sampling = false;
      await sampler;
      const served = (await replicaReads()) - readsAtStart;
      const lags = samples
        .map((s) => s.replayLagMs)
        .filter((l): l is number => l !== null)
        .sort((a, b) => a - b);
      const lagAt = (q: number) => (lags.length > 0 ? percentile(lags, q) : Number.NaN);
      const maxBehind = Math.max(0, ...samples.map((s) => s.bytesBehind));
      ctx.rows.push({
        id: "9a",
        scenario: `read replica lag while 2–8 ran (${samples.length} samples, every ${LAG_SAMPLE_MS} ms)`,
        measured: `replay_lag p50 ${fmt(lagAt(0.5))} ms, p99 ${fmt(lagAt(0.99))} ms, max ${fmt(lags.at(-1) ?? Number.NaN)} ms; ≤ ${fmt(maxBehind / 2 ** 20, 1)} MB of WAL behind; ${served} transactions served by the replica`,
        target: "reported (1 s apply delay injected)",
        ok: null,
      });
      const probe = await readYourWrites(ctx);
      ctx.rows.push({
        id: "9b",
        scenario: `read-your-writes with the replica lagging: ${READ_YOUR_WRITES_PROBES} profile changes`,
        measured: `writer's process showed ${probe.atOnce}/${READ_YOUR_WRITES_PROBES} at once; the other process all within ${fmt(probe.otherMaxMs)} ms${probe.otherUnseen ? ` (${probe.otherUnseen} not within ${OTHER_PROCESS_BOUND_MS} ms)` : ""}`,
        target: `${READ_YOUR_WRITES_PROBES}/${READ_YOUR_WRITES_PROBES} at once`,
        ok: probe.atOnce === READ_YOUR_WRITES_PROBES && probe.otherUnseen === 0,
      });
      ctx.say(
        `9 replica lag p99 ${fmt(lagAt(0.99))} ms; read-your-writes ${probe.atOnce}/${READ_YOUR_WRITES_PROBES}`,
      );
      return probe.atOnce === READ_YOUR_WRITES_PROBES && probe.otherUnseen === 0;
    },
    async close() {
      sampling = false;
      await sampler;
      cluster.disconnect();
      await primary.end();
      await replica.end();
    },
  };
}

/**
 * Each probe changes a lag doctor's description through the first API process and reads the profile
 * back there at once (it must show the change: the write fence keeps the read off the lagging replica),
 * then on the second process until it shows it (its near cache hears the invalidation).
 */
async function readYourWrites(ctx: BenchContext) {
  const [writer, other = writer] = ctx.ports.api as [number, number?];
  let atOnce = 0;
  let otherUnseen = 0;
  let otherMaxMs = 0;
  const description = async (port: number, id: number) =>
    ((await (await fetch(`http://127.0.0.1:${port}/doctors/get/${id}`)).json()) as { description: string })
      .description;
  for (let i = 0; i < READ_YOUR_WRITES_PROBES; i++) {
    const d = i % ctx.lag.length;
    const doctor = ctx.lag[d];
    const token = ctx.lagTokens[d];
    if (!doctor || !token) break;
    await description(other, doctor.id); // cached there beforehand
    const text = `read-your-writes ${i} ${Date.now()}`;
    const res = await fetch(`http://127.0.0.1:${writer}/doctors/info`, {
      method: "PATCH",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ description: text }),
    });
    if (res.status !== 200)
      throw new Error(`PATCH /doctors/info answered ${res.status}: ${await res.text()}`);
    if ((await description(writer, doctor.id)) === text) atOnce++;
    const started = performance.now();
    for (;;) {
      if ((await description(other, doctor.id)) === text) {
        otherMaxMs = Math.max(otherMaxMs, performance.now() - started);
        break;
      }
      if (performance.now() - started > OTHER_PROCESS_BOUND_MS) {
        otherUnseen++;
        break;
      }
      await sleep(5);
    }
  }
  return { atOnce, otherUnseen, otherMaxMs };
}
