/**
 * Ceilings measured in the same run as the scenarios, at the same concurrency, so that a scenario is
 * judged as a ratio of what its engine does alone on this machine today (these machines drift 2–3×
 * from day to day; absolute req/s and ms are information only).
 *
 * - SQL bookings driven straight through `pg`: the booking's own statement sequence (one round trip
 *   per statement, as the API sends them) and a minimal one-statement booking (advisory lock + lowest
 *   free seat + appointment + outbox row).
 * - `FT.SEARCH` through the search adapter and its Redis client, with the same queries as the HTTP
 *   search scenarios (no HTTP, no cache, no JSON answer).
 */
import pg from "pg";
import type { DoctorSearchQuery } from "../src/ports/doctor-search.js";
import { percentile } from "./load.js";

export interface Ceiling {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly operations: number;
  readonly errors: number;
}

/** Runs `operation` with `concurrency` callers for `seconds` (or `amount` operations in all). */
async function drive(
  concurrency: number,
  limit: { seconds?: number; amount?: number },
  operation: (i: number) => Promise<void>,
): Promise<Ceiling> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const until = started + (limit.seconds ?? Number.POSITIVE_INFINITY) * 1000;
  const more = () => performance.now() < until && next < (limit.amount ?? Number.POSITIVE_INFINITY);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (more()) {
        const i = next++;
        const t = performance.now();
        try {
          await operation(i);
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    operations: latencies.length,
    errors,
  };
}

export interface BookingShot {
  readonly slotId: number;
  readonly date: string;
  readonly patientId: number;
  readonly userId: number;
}

/** The lowest free seat of the sitting, the booking's rule, in SQL. */
const LOWEST_FREE_SEAT = `(SELECT min(g) FROM generate_series(1, s.num_slots) g
   WHERE g NOT IN (SELECT seat FROM appointments
                   WHERE slot_id = s.id AND sitting_date = $2::date AND status <> 'cancelled'))`;

/** One statement: the sitting's lock, the lowest free seat, the appointment and its outbox event. */
const ONE_STATEMENT = `
  WITH l AS (SELECT pg_advisory_xact_lock($1::int4, ($2::date - DATE '2000-01-01')::int4)),
  a AS (
    INSERT INTO appointments (patient_id, slot_id, doctor_id, sitting_date, seat, capacity)
    SELECT $3, s.id, s.doctor_id, $2::date, ${LOWEST_FREE_SEAT}, s.num_slots FROM slots s, l
    WHERE s.id = $1 AND ${LOWEST_FREE_SEAT} IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING id, doctor_id, seat
  )
  INSERT INTO outbox (type, payload, published_at)
  SELECT 'AppointmentBooked', json_build_object('appointmentId', a.id, 'doctorId', a.doctor_id), now() FROM a`;

/**
 * The statements a booking without an Idempotency-Key sends, one round trip each, in order (see
 * `BookAppointment` and `PgSittingBookRepository`): the session lookup, BEGIN, the account's lock, the
 * patient, the slot with its doctor, the account's live appointments, the sitting's lock, the sitting's
 * seats and entries, an id, the appointment, its outbox event and notice, COMMIT.
 */
const SEQUENCE: readonly { sql: string; args: (s: BookingShot, id: number) => unknown[] }[] = [
  { sql: "SELECT id FROM users WHERE id = $1", args: (s) => [s.userId] },
  { sql: "BEGIN", args: () => [] },
  { sql: "SELECT pg_advisory_xact_lock(1, $1::int4)", args: (s) => [s.userId] },
  {
    sql: "SELECT id, name FROM patients WHERE id = $1 AND user_id = $2",
    args: (s) => [s.patientId, s.userId],
  },
  {
    sql: "SELECT s.*, d.timezone FROM slots s JOIN doctors d ON d.id = s.doctor_id WHERE s.id = $1 FOR SHARE OF d",
    args: (s) => [s.slotId],
  },
  {
    sql: `SELECT count(*)::int FROM appointments a JOIN patients p ON p.id = a.patient_id
          WHERE p.user_id = $1 AND a.status IN ('booked', 'arrived') AND a.sitting_date >= current_date - 2`,
    args: (s) => [s.userId],
  },
  {
    sql: "SELECT pg_advisory_xact_lock($1::int4, ($2::date - DATE '2000-01-01')::int4)",
    args: (s) => [s.slotId, s.date],
  },
  {
    sql: `SELECT (SELECT json_agg(a.seat) FROM appointments a
                  WHERE a.slot_id = $1 AND a.sitting_date = $2 AND a.status <> 'cancelled') AS seats,
                 (SELECT json_agg(w.id) FROM waitlist_entries w
                  WHERE w.slot_id = $1 AND w.sitting_date = $2 AND w.status = 'waiting') AS waiting`,
    args: (s) => [s.slotId, s.date],
  },
  { sql: "SELECT nextval(pg_get_serial_sequence('appointments', 'id'))::int AS id", args: () => [] },
  {
    sql: `INSERT INTO appointments (patient_id, slot_id, doctor_id, sitting_date, seat, capacity)
          SELECT $3, s.id, s.doctor_id, $2::date, ${LOWEST_FREE_SEAT}, s.num_slots FROM slots s
          WHERE s.id = $1 AND ${LOWEST_FREE_SEAT} IS NOT NULL ON CONFLICT DO NOTHING RETURNING id`,
    args: (s) => [s.slotId, s.date, s.patientId],
  },
  {
    sql: `WITH o AS (INSERT INTO outbox (type, payload, published_at) VALUES ('AppointmentBooked', $1, now()))
          INSERT INTO notifications (user_id, kind, text) VALUES ($2, 'booked', 'ceiling')`,
    args: (s, id) => [JSON.stringify({ appointmentId: id }), s.userId],
  },
  { sql: "COMMIT", args: () => [] },
];

/** Round trips of a booking in the replicated sequence (the session lookup and BEGIN/COMMIT included). */
export const BOOKING_ROUND_TRIPS = SEQUENCE.length;

export async function bookingCeilings(
  databaseUrl: string,
  shots: { readonly sequence: readonly BookingShot[]; readonly oneStatement: readonly BookingShot[] },
  concurrency: number,
  limit: { seconds?: number; amount?: number },
): Promise<{ sequence: Ceiling; oneStatement: Ceiling }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: concurrency });
  pool.on("error", () => undefined);
  try {
    const warm = await pool.connect();
    warm.release();
    const oneStatement = await drive(concurrency, limit, async (i) => {
      const s = shots.oneStatement[i % shots.oneStatement.length] as BookingShot;
      await pool.query(ONE_STATEMENT, [s.slotId, s.date, s.patientId]);
    });
    const sequence = await drive(concurrency, limit, async (i) => {
      const s = shots.sequence[i % shots.sequence.length] as BookingShot;
      const client = await pool.connect();
      try {
        for (const step of SEQUENCE) await client.query(step.sql, step.args(s, i + 1));
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    });
    return { sequence, oneStatement };
  } finally {
    await pool.end();
  }
}

/** `FT.SEARCH` through the search adapter, `concurrency` queries in flight, the next one from `query()`. */
export async function searchCeiling(
  index: { search(query: DoctorSearchQuery): Promise<unknown> },
  query: () => DoctorSearchQuery,
  concurrency: number,
  seconds: number,
): Promise<Ceiling> {
  return drive(concurrency, { seconds }, async () => {
    await index.search(query());
  });
}
