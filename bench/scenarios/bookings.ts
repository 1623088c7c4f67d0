/**
 * Scenario 4: bookings. 4a uncontended over HTTP; beside it, at the same concurrency and for as long,
 * its ceilings straight through `pg` (4c the booking's statement sequence, 4d a one-statement booking);
 * 4e the round trips of one booking counted on the wire; 4b 200 requests at once on each 10-seat sitting.
 */
import { BOOKING_ROUND_TRIPS, type BookingShot, bookingCeilings, ceilingAccounts } from "../ceilings.js";
import { type BenchContext, BOOKING_CONNECTIONS, booking, drain, spread } from "../context.js";
import { type LoadResult, load, type Shot } from "../load.js";
import { asMeasured, fmt, type Row } from "../report.js";
import { contendedSittings, freeSittings } from "../seed.js";

const CONTENDED_REQUESTS = 200;
/** Scenario 4e: bookings counted on the wire, after a few unmeasured ones. */
const ROUND_TRIP_WARM_UP = 5;

export interface BookingPatient {
  readonly id: number;
  readonly token: string;
}

export interface Bookings {
  /** 4a, what scenarios 5 and 8 pace themselves by. */
  readonly uncontended: LoadResult;
  /** The load accounts' patients with their account's token. */
  readonly patients: readonly BookingPatient[];
  /** Free sittings 4a did not book (scenario 8 books them). */
  readonly spare: readonly { slotId: number; date: string }[];
  /** 4b held: exactly 10 live appointments on 10 seats in each contended sitting, by SQL and by answers. */
  readonly exact: boolean;
}

export async function bookings(ctx: BenchContext): Promise<Bookings> {
  const { tiny, quick, seconds } = ctx.settings;
  const { db, rows, notes, ports } = ctx;
  const roundTripBookings = tiny ? 10 : 50;
  const patients = ctx.accounts.flatMap((a, i) =>
    a.patientIds.map((id) => ({ id, token: ctx.userTokens[i] as string })),
  );

  // 4a. Uncontended booking: every request a different, empty sitting. Its ceilings run on sittings and
  // accounts of their own: disjoint slices of the free sittings, patients of accounts that do not book
  // over HTTP.
  const want = tiny
    ? { http: 400, sequence: 300, oneStatement: 300 }
    : quick
      ? { http: 20_000, sequence: 20_000, oneStatement: 40_000 }
      : { http: 40_000, sequence: 40_000, oneStatement: 100_000 };
  const wanted = want.http + want.sequence + want.oneStatement;
  const free = await freeSittings(db, wanted);
  // A data set with fewer free sittings than wanted (--tiny) is shared out in the same proportions.
  const share = (n: number) => Math.floor((n * Math.min(free.length, wanted)) / wanted);
  const sittings = free.slice(0, share(want.http));
  // Scenario 4e's sittings, which 4a does not book.
  const countingSittings = sittings.splice(-(ROUND_TRIP_WARM_UP + roundTripBookings)).reverse();
  const sequenceSittings = free.slice(sittings.length, sittings.length + share(want.sequence));
  const oneStatementSittings = free.slice(
    sittings.length + sequenceSittings.length,
    sittings.length + sequenceSittings.length + share(want.oneStatement),
  );
  const ceilingPatients = await ceilingAccounts(
    db,
    ctx.accounts.map((a) => a.userId),
    tiny ? 100 : 5_000,
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
    const patient = patients[i % patients.length] as BookingPatient;
    return booking(patient.token, sitting.slotId, patient.id, sitting.date);
  };
  // A short unmeasured run first: the write path's code is compiled and its pool connections opened, as
  // they are in a service that has been up for a while (the reads before this never touched them).
  const warmUp = await load(spread(ports.api, nextBooking), {
    connections: BOOKING_CONNECTIONS,
    ...(tiny ? { amount: 50 } : { seconds: 2 }),
  });
  notes.push(
    `4a was measured after an unmeasured warm-up of ${warmUp.requests} bookings on other sittings (${fmt(warmUp.rps)}/s)`,
  );
  const bookingLimit =
    sittings.length < 5_000
      ? { amount: Math.min(Math.floor(0.6 * (sittings.length - b)), 300 * seconds) }
      : { seconds };
  const uncontended = await load(spread(ports.api, nextBooking), {
    connections: BOOKING_CONNECTIONS,
    ...bookingLimit,
  });
  ctx.say(`4a booking ${fmt(uncontended.rps)}/s p99 ${fmt(uncontended.p99, 1)} ms`);
  ctx.sampleMemory("4a");

  const roundTripRow = await roundTrips(ctx, patients[0] as BookingPatient, countingSittings);

  // The ceilings run once the worker has projected 4a's bookings, so that it does not compete with them.
  const drainAfter4a = await drain(db, ctx.queue, tiny ? 20_000 : 120_000);
  const ceilings = await bookingCeilings(
    ctx.databaseUrl,
    { sequence: shotsOf(sequenceSittings), oneStatement: shotsOf(oneStatementSittings) },
    BOOKING_CONNECTIONS,
    tiny ? { amount: 300 * seconds } : { seconds },
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
  ctx.say(
    `4c/4d SQL ceilings ${fmt(ceilings.sequence.rps)} / ${fmt(one.rps)} bookings/s, p99 ${fmt(ceilings.sequence.p99, 1)} / ${fmt(one.p99, 1)} ms`,
  );

  const exact = await contended(ctx, patients.slice(0, CONTENDED_REQUESTS));
  return { uncontended, patients, spare: sittings.slice(b), exact };
}

/**
 * 4e. Round trips per booking, counted on the wire (bench/round-trips.ts) through the counted API
 * process: one account books one sitting after another (sittings of its own), its session already
 * looked up once; a few unmeasured bookings first.
 */
async function roundTrips(
  ctx: BenchContext,
  counter: BookingPatient,
  countingSittings: readonly { slotId: number; date: string }[],
): Promise<Row> {
  let counted201 = 0;
  for (const [i, sitting] of countingSittings.entries()) {
    if (i === ROUND_TRIP_WARM_UP) ctx.wire.reset();
    const shot = booking(counter.token, sitting.slotId, counter.id, sitting.date);
    const res = await fetch(`http://127.0.0.1:${ctx.ports.counted}${shot.path}`, {
      method: "POST",
      headers: shot.headers as Record<string, string>,
      body: shot.body as string,
    });
    await res.arrayBuffer();
    if (i >= ROUND_TRIP_WARM_UP && res.status === 201) counted201++;
  }
  const perBooking = ctx.wire.count() / counted201;
  await ctx.wire.close();
  ctx.say(`4e ${fmt(perBooking, 1)} round trips per booking`);
  return {
    id: "4e",
    scenario: "round trips to PostgreSQL per booking, counted on the wire",
    measured: `${fmt(perBooking, 1)} (${counted201} bookings; BEGIN/COMMIT included)`,
    target: "≤ 5",
    ok: counted201 > 0 && perBooking <= 5,
  };
}

/** 4b. Contended: 200 concurrent requests (distinct patients) on each 10-seat sitting; true if exact. */
async function contended(ctx: BenchContext, fighters: readonly BookingPatient[]): Promise<boolean> {
  const { db, ports } = ctx;
  const fights = await contendedSittings(db, ctx.settings.scale.contendedSittings, 0);
  const shots = fights.flatMap((s) => fighters.map((p) => booking(p.token, s.slotId, p.id, s.date)));
  // Interleaved so that every sitting is fought over at the same time.
  const interleaved = fighters.flatMap((_, j) =>
    fights.map((_, k) => shots[k * fighters.length + j] as Shot),
  );
  const perPort = ports.api.map((_, k) => interleaved.filter((_, j) => j % ports.api.length === k));
  const result = await load(
    ports.api.map((port, k) => {
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
  const created = result.statuses.get(201) ?? 0;
  const full = result.statuses.get(409) ?? 0;
  const exact =
    held.length === fights.length &&
    held.every((h) => h.live === 10 && h.seats === 10) &&
    created === 10 * fights.length &&
    full === interleaved.length - created;
  const sqlLine = held.map((h) => `slot ${h.slotId}: ${h.live} live / ${h.seats} seats`).join(", ");
  ctx.notes.push(`4b SQL after the contended run: ${sqlLine} (201: ${created}, 409: ${full})`);
  ctx.rows.push({
    id: "4b",
    scenario: `booking, contended: ${fighters.length} at once on ${fights.length} × 10 seats`,
    load: result,
    measured: `${created} × 201, ${full} × 409; SQL ${held.map((h) => h.live).join("/")} per sitting`,
    target: "exactly 10 per sitting",
    ok: exact && result.socketErrors === 0,
  });
  ctx.say(`4b ${sqlLine}`);
  ctx.sampleMemory("4b");
  return exact;
}
