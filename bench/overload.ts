/**
 * Open-loop overload: requests sent at a fixed rate whatever the answers (as many clients would), so that
 * a server slower than the rate accumulates requests instead of slowing the sender down (as a closed
 * loop of connections would). Every answer is counted by status; a request unanswered after
 * `timeoutMs` counts as a socket timeout, a connection error as a socket error.
 */
import { percentile, type Shot } from "./load.js";
import { sleep } from "./processes.js";

export interface OverloadResult {
  readonly sent: number;
  readonly statuses: ReadonlyMap<number, number>;
  readonly timeouts: number;
  readonly socketErrors: number;
  /** Latency percentiles by status (201, 409, 503...). */
  readonly p50: ReadonlyMap<number, number>;
  readonly p99: ReadonlyMap<number, number>;
  readonly sendingSeconds: number;
}

/** `sent` settles when the last request has been sent, `answered` once every one is answered or timed out. */
export function overload(
  port: number,
  next: (i: number) => Shot | null,
  options: { ratePerSecond: number; seconds: number; timeoutMs: number },
): { sent: Promise<void>; answered: Promise<OverloadResult> } {
  let sendingDone: () => void = () => undefined;
  const sentPromise = new Promise<void>((resolve) => {
    sendingDone = resolve;
  });
  const answered = drive(port, next, options, () => sendingDone());
  return { sent: sentPromise, answered };
}

async function drive(
  port: number,
  next: (i: number) => Shot | null,
  options: { ratePerSecond: number; seconds: number; timeoutMs: number },
  onSent: () => void,
): Promise<OverloadResult> {
  const total = Math.round(options.ratePerSecond * options.seconds);
  const statuses = new Map<number, number>();
  const latencies = new Map<number, number[]>();
  let timeouts = 0;
  let socketErrors = 0;
  let sent = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const shot = next(i);
    if (!shot) break;
    const due = started + (i * 1000) / options.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    sent++;
    pending.push(
      (async () => {
        const t = performance.now();
        try {
          const res = await fetch(`http://127.0.0.1:${port}${shot.path}`, {
            method: shot.method ?? "GET",
            headers: shot.headers ?? {},
            ...(shot.body === undefined ? {} : { body: shot.body }),
            signal: AbortSignal.timeout(options.timeoutMs),
          });
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const list = latencies.get(res.status) ?? [];
          list.push(performance.now() - t);
          latencies.set(res.status, list);
        } catch (error) {
          if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
            timeouts++;
          else socketErrors++;
        }
      })(),
    );
  }
  const sendingSeconds = (performance.now() - started) / 1000;
  onSent();
  await Promise.all(pending);
  const p50 = new Map<number, number>();
  const p99 = new Map<number, number>();
  for (const [status, list] of latencies) {
    p50.set(status, percentile(list, 0.5));
    p99.set(status, percentile(list, 0.99));
  }
  return { sent, statuses, timeouts, socketErrors, p50, p99, sendingSeconds };
}
