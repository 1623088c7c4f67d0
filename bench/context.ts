/** What every scenario of a bench run shares: its settings, connections, ports, sign-ins and report. */
import type { ChildProcess } from "node:child_process";
import type { Redis } from "ioredis";
import type pg from "pg";
import type { RedisConnection } from "../src/adapters/redis/client.js";
import { PROJECTION_QUEUE } from "../src/container.js";
import type { LoadTarget, Shot } from "./load.js";
import type { Processes } from "./processes.js";
import { sleep } from "./processes.js";
import type { Row } from "./report.js";
import type { WireCounter } from "./round-trips.js";
import type { LagDoctor, LoadAccount, Scale } from "./seed.js";

export interface Settings {
  /** 50 doctors, a second per scenario: the test suite's smoke run. */
  readonly tiny: boolean;
  readonly quick: boolean;
  /** Seconds per measured scenario. */
  readonly seconds: number;
  /** Unmeasured seconds of the same load before each read scenario (see LoadOptions.warmUpSeconds). */
  readonly warmUpSeconds: number;
  /** API processes (and workers) sharing the load. */
  readonly replicas: number;
  readonly scale: Scale;
}

export const READ_CONNECTIONS = 50;
export const BOOKING_CONNECTIONS = 10;

export interface Ports {
  /** bench/bare-hono.ts, one per replica: the ceiling of the reads. */
  readonly bare: readonly number[];
  /** The API processes under test. */
  readonly api: readonly number[];
  /** API processes with CACHE_ENABLED=false and SEARCH_CACHE_TTL_MS=0. */
  readonly uncached: readonly number[];
  /** An API process whose PostgreSQL connections pass `wire`, which counts round trips (4e). */
  readonly counted: number;
  /** An API process that sheds load past a small in-flight bound (8). */
  readonly shed: number;
}

/** The queue role's Redis (one server, or the cluster of --scale) and BullMQ's key prefix there. */
export interface QueueView {
  readonly redis: RedisConnection;
  readonly prefix: string;
}

export interface BenchContext {
  readonly settings: Settings;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly appEnv: Record<string, string>;
  readonly db: pg.Client;
  readonly redis: Redis;
  /** Where the projection queue is (drain). */
  readonly queue: QueueView;
  readonly processes: Processes;
  readonly apis: readonly ChildProcess[];
  readonly shedApi: ChildProcess;
  readonly ports: Ports;
  readonly wire: WireCounter;
  readonly accounts: readonly LoadAccount[];
  /** One token per load account, in the order of `accounts`. */
  readonly userTokens: readonly string[];
  readonly lag: readonly LagDoctor[];
  /** One token per lag doctor, in the order of `lag`. */
  readonly lagTokens: readonly string[];
  readonly doctorIds: readonly number[];
  readonly specializations: readonly string[];
  /** The table, one row per scenario, and the notes printed under it. */
  readonly rows: Row[];
  readonly notes: string[];
  readonly say: (line: string) => void;
  /** Records the API processes' peak RSS and asks the first one for a memory report, after `after`. */
  readonly sampleMemory: (after: string) => void;
  /** Where the search scenario writes the hot search's answer for bare Hono's `/answer` (row 3h). */
  readonly bareAnswerFile: string;
}

export const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
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

export const booking = (token: string, slotId: number, patientId: number, date: string): Shot => ({
  method: "POST",
  path: "/patient/new_appointment",
  headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
  body: JSON.stringify({ slot_id: slotId, patient_id: patientId, date }),
});

/** Round-robin over ports, one generator each. */
export const spread = (ports: readonly number[], next: () => Shot): LoadTarget[] =>
  ports.map((port) => ({ port, next }));

/** Waits until the outbox is relayed and the projection queue is empty (bounded). */
export async function drain(db: pg.Client, queue: QueueView, timeoutMs: number): Promise<number> {
  const started = Date.now();
  const { redis } = queue;
  const prefix = `${queue.prefix}:${PROJECTION_QUEUE}`;
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
