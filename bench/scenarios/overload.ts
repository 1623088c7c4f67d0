/**
 * Scenario 8: bookings offered at twice 4a's rate for 10 s, open loop, to an API process that sheds
 * load past SHED_MAX_IN_FLIGHT; then, one second after the last was sent, bookings at 4a's concurrency.
 */
import { type BenchContext, BOOKING_CONNECTIONS, booking } from "../context.js";
import { type LoadResult, load } from "../load.js";
import { overload } from "../overload.js";
import { peakMb, sleep } from "../processes.js";
import { fmt } from "../report.js";
import type { Bookings } from "./bookings.js";

/** Bookings offered at this multiple of 4a's rate. */
const OVERLOAD_FACTOR = 2;
/** The shedding process's in-flight bound (SHED_MAX_IN_FLIGHT): twice the booking connections of 4a. */
export const OVERLOAD_IN_FLIGHT = 2 * BOOKING_CONNECTIONS;

export async function overloadBurst(ctx: BenchContext, booked: Bookings): Promise<void> {
  const { uncontended, spare, patients } = booked;
  const tiny = ctx.settings.tiny;
  const shedPort = ctx.ports.shed;
  const recoveryBookings = tiny ? 20 : 100;
  const overloadRate = Math.max(
    2,
    OVERLOAD_FACTOR * (Number.isFinite(uncontended.rps) ? uncontended.rps : 1),
  );
  const overloadSeconds = tiny ? 1 : 10;
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
    amount: Math.min(
      Math.max(ctx.accounts.length, Math.round(2 * overloadRate)),
      Math.floor(spare.length / 4),
    ),
  });
  const burstFrom = w;
  const overloadTotal = Math.max(
    0,
    Math.min(Math.round(overloadRate * overloadSeconds), spare.length - burstFrom - recoveryBookings),
  );
  const burst = overload(shedPort, (i) => (i < overloadTotal ? spareShot(burstFrom + i) : null), {
    ratePerSecond: overloadRate,
    seconds: overloadSeconds,
    timeoutMs: 10_000,
  });
  await burst.sent;
  await sleep(1_000);
  let r = burstFrom + overloadTotal;
  const recovery: LoadResult = await load([{ port: shedPort, next: () => spareShot(r++) }], {
    connections: BOOKING_CONNECTIONS,
    amount: Math.max(0, Math.min(recoveryBookings, spare.length - r)),
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
  const shedPeak = peakMb(ctx.shedApi.pid);
  ctx.rows.push({
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
  ctx.say(
    `8 overload: ${flood.sent} sent, 201 ${count(201)}, 409 ${count(409)}, 503 ${count(503)}, 5xx ${errors5xx}, timeouts ${flood.timeouts}; accepted p99 ${fmt(acceptedP99, 1)} ms; after p99 ${fmt(recovery.p99, 1)} ms`,
  );
}
