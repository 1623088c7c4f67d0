/** Scenario 5: projection lag, a write's answer → visible in search, writing at half of 4a's rate. */
import { type BenchContext, drain } from "../context.js";
import { type LoadResult, percentile } from "../load.js";
import { sleep } from "../processes.js";
import { fmt } from "../report.js";
import type { LagDoctor } from "../seed.js";

/** Scenario 5 writes at this share of the uncontended booking rate measured by 4a in the same run. */
const LAG_SHARE_OF_BOOKINGS = 0.5;
const LAG_POLL_MS = 50;
const LAG_BOUND_MS = 5_000;

export async function projectionLag(ctx: BenchContext, uncontended: LoadResult): Promise<void> {
  const drainMs = await drain(ctx.db, ctx.queue, ctx.settings.tiny ? 20_000 : 120_000);
  ctx.notes.push(
    `projection backlog from the booking runs drained in ${fmt(drainMs / 1000, 1)} s before scenario 5`,
  );
  // At least one write a second, should 4a have booked nothing.
  const pace = Number.isFinite(uncontended.rps) ? Math.max(1, LAG_SHARE_OF_BOOKINGS * uncontended.rps) : 1;
  const result = await writeAndWatch(ctx, pace);
  ctx.rows.push({
    id: "5",
    scenario: `projection lag, writes paced at ½ × 4a = ${fmt(pace)}/s (${fmt(result.writesPerSecond)}/s sent)`,
    load: result.writes,
    measured: `lag p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms${result.unseen ? `, ${result.unseen} unseen` : ""}`,
    target: "p99 ≤ 1000 ms",
    ok: result.p99 <= 1000 && result.unseen === 0 && result.writes.failed === 0,
  });
  ctx.say(`5 lag p50 ${fmt(result.p50)} p99 ${fmt(result.p99)} ms`);
  ctx.sampleMemory("5");
}

interface LagOutcome {
  readonly writes: LoadResult;
  readonly writesPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly unseen: number;
}

/**
 * Writes at `writesPerSecond`: each adds one specialization to a doctor whose name holds a unique word,
 * then polls search (every 50 ms, for at most 5 s) until that doctor shows up under the specialization.
 */
async function writeAndWatch(ctx: BenchContext, writesPerSecond: number): Promise<LagOutcome> {
  const { lag: doctors, lagTokens: tokens, specializations } = ctx;
  const ports = ctx.ports.api;
  const total = Math.min(
    Math.round(writesPerSecond * ctx.settings.seconds),
    doctors.length * specializations.length,
  );
  const lags: number[] = [];
  const writeLatencies: number[] = [];
  const statuses = new Map<number, number>();
  let socketErrors = 0;
  let unseen = 0;
  const started = performance.now();
  const one = async (i: number) => {
    const d = i % doctors.length;
    const doctor = doctors[d] as LagDoctor;
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
