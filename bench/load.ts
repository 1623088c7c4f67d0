import type { EventEmitter } from "node:events";
import autocannon from "autocannon";

/** One request autocannon sends: a path plus, for writes, a method, headers and a body. */
export interface Shot {
  readonly path: string;
  readonly method?: "GET" | "POST";
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface LoadTarget {
  readonly port: number;
  /** Called once per request: the next request to send to this port. */
  readonly next: () => Shot;
}

export interface LoadOptions {
  /** Connections in total, split evenly across the targets. */
  readonly connections: number;
  readonly seconds?: number;
  /** A fixed number of requests in total (overrides seconds), split evenly across the targets. */
  readonly amount?: number;
  /**
   * Seconds of the same load sent first and not counted: JIT compilation and connection set-up of a
   * process that just started would otherwise land in the first second's latencies.
   */
  readonly warmUpSeconds?: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Answers outside 2xx/3xx. */
  readonly failed: number;
  /** Connection errors and timeouts: no answer at all. */
  readonly socketErrors: number;
  readonly statuses: Map<number, number>;
  /** Every response's latency (ms), ascending, and the measured time: what `alternately` merges. */
  readonly latencies: readonly number[];
  readonly seconds: number;
}

/**
 * Drives every target at once with its own autocannon instance and merges the outcome. Latencies are
 * collected per response (not read from autocannon's per-instance summary) so that percentiles over
 * several API processes are exact.
 */
export async function load(targets: readonly LoadTarget[], options: LoadOptions): Promise<LoadResult> {
  if (options.warmUpSeconds) {
    await load(targets, { connections: options.connections, seconds: options.warmUpSeconds });
  }
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const started = performance.now();
  const results = await Promise.all(
    targets.map((target, i) => {
      const share = (total: number) =>
        Math.floor(total / targets.length) + (i < total % targets.length ? 1 : 0);
      const instance = autocannon({
        url: `http://127.0.0.1:${target.port}`,
        connections: Math.max(1, share(options.connections)),
        ...(options.amount !== undefined
          ? { amount: share(options.amount) }
          : { duration: options.seconds ?? 5 }),
        timeout: 10,
        requests: [{ setupRequest: (request) => ({ ...request, method: "GET", ...target.next() }) }],
      });
      // autocannon emits (client, status, bytes, ms); its typings omit the client.
      (instance as unknown as EventEmitter).on(
        "response",
        (_client: unknown, status: number, _bytes: number, ms: number) => {
          latencies.push(ms);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        },
      );
      return instance;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return summary(
    latencies,
    statuses,
    results.reduce((n, r) => n + r.errors, 0),
    seconds,
  );
}

function summary(
  latencies: number[],
  statuses: Map<number, number>,
  socketErrors: number,
  seconds: number,
): LoadResult {
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  let failed = 0;
  for (const [status, count] of statuses) if (status < 200 || status >= 400) failed += count;
  return {
    requests: latencies.length,
    rps: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    failed,
    socketErrors,
    statuses,
    latencies,
    seconds,
  };
}

/**
 * Two loads that are to be compared with each other, run in turns (`rounds` times each, `seconds`
 * each time, one warm-up of each first; the order swaps every round) and each merged over its turns: on a machine whose speed drifts
 * from second to second, both see the same drift, so their ratio means something.
 */
export async function alternately(
  a: readonly LoadTarget[],
  b: readonly LoadTarget[],
  options: LoadOptions & { rounds: number },
): Promise<[LoadResult, LoadResult]> {
  const { rounds, warmUpSeconds, ...each } = options;
  if (warmUpSeconds) {
    await load(a, { connections: options.connections, seconds: warmUpSeconds });
    await load(b, { connections: options.connections, seconds: warmUpSeconds });
  }
  const turns: [LoadResult[], LoadResult[]] = [[], []];
  // a b, b a, a b, …: a drift in one direction over the run favours neither.
  for (let i = 0; i < rounds; i++) {
    for (const which of i % 2 === 0 ? [0, 1] : [1, 0]) {
      turns[which]?.push(await load(which === 0 ? a : b, each));
    }
  }
  const merged = (results: LoadResult[]) => {
    const statuses = new Map<number, number>();
    for (const r of results) for (const [s, n] of r.statuses) statuses.set(s, (statuses.get(s) ?? 0) + n);
    return summary(
      results.flatMap((r) => r.latencies),
      statuses,
      results.reduce((n, r) => n + r.socketErrors, 0),
      results.reduce((t, r) => t + r.seconds, 0),
    );
  };
  return [merged(turns[0]), merged(turns[1])];
}

/** Percentile of an unsorted list of numbers. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
