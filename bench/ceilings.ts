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
  /** The message of the first error, if any. */
  readonly firstError?: string;
}

/** Runs `operation` with `concurrency` callers for `seconds` (or `amount` operations in all). */
async function drive(
  concurrency: number,
  limit: { seconds?: number; amount?: number },
  operation: (i: number) => Promise<void>,
): Promise<Ceiling> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
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
        } catch (error) {
          errors++;
          firstError ??= error instanceof Error ? error.message : String(error);
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
    ...(firstError === undefined ? {} : { firstError }),
  };
}

export interface BookingShot {
  readonly slotId: number;
  readonly date: string;
  readonly patientId: number;
  readonly userId: number;
  /** The digest of a live session of `userId` (see `ceilingAccounts`): the session lookup reads it. */
  readonly tokenHash: string;
}

/**
 * Patients of accounts that are not among `excludedUserIds` (the accounts that book over HTTP), one
 * live session created for each account, so that the sequence's session lookup finds a row as the
 * API's does. Answers up to `count` (account, patient) pairs.
 */
export async function ceilingAccounts(
  db: pg.Client,
  excludedUserIds: readonly number[],
  count: number,
): Promise<{ userId: number; patientId: number; tokenHash: string }[]> {
  const { rows } = await db.query<{ userId: number; patientId: number; tokenHash: string }>(
    `WITH picked AS (
       SELECT p.user_id, p.id FROM patients p JOIN users u ON u.id = p.user_id
       WHERE u.role = 'user' AND p.deleted_at IS NULL AND NOT p.user_id = ANY($1::int[])
       ORDER BY p.id LIMIT $2
     ), made AS (
       INSERT INTO sessions (token_hash, user_id, expires_at, absolute_expires_at)
       SELECT DISTINCT encode(sha256(('bench-ceiling-' || user_id)::bytea), 'hex'), user_id,
              now() + interval '1 day', now() + interval '1 day'
       FROM picked
       RETURNING token_hash, user_id
     )
     SELECT p.user_id AS "userId", p.id AS "patientId", m.token_hash AS "tokenHash"
     FROM picked p JOIN made m USING (user_id) ORDER BY p.id`,
    [excludedUserIds, count],
  );
  return rows;
}

/**
 * One statement: the sitting's lock, the lowest free seat, the appointment and its outbox event. Its
 * snapshot is taken when the statement starts, so under contention the unique indexes are the judge (a
 * seat taken meanwhile inserts nothing); the ceiling drives it on distinct, empty sittings only. Events
 * are written as published so that the relay and the projections leave them alone.
 */
const ONE_STATEMENT = `
  WITH l AS (SELECT pg_advisory_xact_lock($1::int4, ($2::date - DATE '2000-01-01')::int4)),
  a AS (
    INSERT INTO appointments (patient_id, slot_id, doctor_id, sitting_date, seat, capacity)
    SELECT $3, s.id, s.doctor_id, $2::date, f.seat, s.num_slots
    FROM l, slots s CROSS JOIN LATERAL (
      SELECT min(g) AS seat FROM generate_series(1, s.num_slots) g
      WHERE g NOT IN (SELECT seat FROM appointments
                      WHERE slot_id = s.id AND sitting_date = $2::date AND status <> 'cancelled')) f
    WHERE s.id = $1 AND f.seat IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING id, doctor_id, slot_id, sitting_date, seat, patient_id
  )
  INSERT INTO outbox (type, payload, published_at)
  SELECT 'AppointmentBooked', jsonb_build_object('type', 'AppointmentBooked', 'appointmentId', a.id,
           'doctorId', a.doctor_id, 'slotId', a.slot_id, 'date', a.sitting_date, 'seat', a.seat,
           'patientId', a.patient_id), now()
  FROM a`;

/** What a step of the sequence learnt from the answers of the steps before it. */
interface Learnt {
  doctorId?: number;
  numSlots?: number;
  seat?: number;
  appointmentId?: number;
}

interface Step {
  readonly sql: string;
  readonly args: (s: BookingShot, learnt: Learnt) => unknown[];
  readonly learn?: (row: Record<string, unknown> | undefined, learnt: Learnt) => void;
}

const lowestFreeSeat = (taken: readonly number[], capacity: number): number | undefined => {
  for (let seat = 1; seat <= capacity; seat++) if (!taken.includes(seat)) return seat;
  return undefined;
};

/**
 * The statements a booking without an Idempotency-Key sends, one round trip each, in order, with the
 * same SQL (see `BookAppointment`, `PgBookingContextReader`, `PgSittingBookRepository` and
 * `AppendedRows.flush`); the session lookup is answered from the API process's memory
 * (`CachedSessionStore`) and sends nothing. START TRANSACTION, the account's lock, the slot with its
 * doctor (shared) and then the sitting's lock in one statement with the patient, the sitting's seats and
 * waiting entries with the new appointment's id and, read again after every lock, the patient and the
 * account's live appointments, the appointment with its outbox event and notice in one statement,
 * COMMIT. The seat is chosen here from the seats read, as the domain chooses it. The one difference:
 * the outbox row is written as published, so that the relay and the projections leave the ceiling's
 * events alone.
 */
const SEQUENCE: readonly Step[] = [
  { sql: "START TRANSACTION", args: () => [] },
  {
    sql: `WITH account_lock AS MATERIALIZED (
            SELECT pg_advisory_xact_lock(0::int4, $2::int4) AS locked
          ), slot AS MATERIALIZED (
            SELECT s.id, s.doctor_id AS "doctorId", s.day, s.start_minute AS "startMinute",
                   s.appointment_duration AS "appointmentDuration", s.num_slots AS "numSlots",
                   s.consultation_fee AS "consultationFee", d.timezone AS "timeZone", u.name AS "doctorName",
                   d.user_id AS "doctorUserId", d.verified AS "doctorVerified",
                   to_char(s.retired_from, 'YYYY-MM-DD') AS "retiredFrom"
            FROM slots s JOIN doctors d ON d.id = s.doctor_id JOIN users u ON u.id = d.user_id
            WHERE s.id = $3 AND (SELECT count(*) FROM account_lock) = 1
            FOR SHARE OF d
          ), sitting_lock AS MATERIALIZED (
            SELECT pg_advisory_xact_lock((slot.id)::int4, ($4::date - DATE '2000-01-01')::int4) AS locked FROM slot
          )
          SELECT
            (SELECT to_json(x) FROM (
              SELECT p.id, p.user_id AS "userId", p.name, p.age, p.gender, p.symptoms FROM patients p
              WHERE p.id = $1 AND p.user_id = $2 AND p.deleted_at IS NULL) x) AS patient,
            (SELECT to_json(slot) FROM slot) AS slot,
            (SELECT count(*)::int FROM sitting_lock) AS "sittingLocks"
          FROM account_lock`,
    args: (s) => [s.patientId, s.userId, s.slotId, s.date],
    learn: (row, learnt) => {
      learnt.doctorId = (row?.slot as { doctorId: number } | null)?.doctorId as number;
    },
  },
  {
    sql: `SELECT
            COALESCE((SELECT json_agg(json_build_object('appointmentId', a.id, 'seat', a.seat,
                'patientId', a.patient_id, 'ownerUserId', p.user_id, 'status', a.status) ORDER BY a.seat)
              FROM appointments a JOIN patients p ON p.id = a.patient_id
              WHERE a.slot_id = $1 AND a.sitting_date = $2 AND a.status <> 'cancelled'), '[]') AS seats,
            COALESCE((SELECT json_agg(json_build_object('id', w.id, 'patientId', w.patient_id,
                'ownerUserId', p.user_id) ORDER BY w.id)
              FROM waitlist_entries w JOIN patients p ON p.id = w.patient_id
              WHERE w.slot_id = $1 AND w.sitting_date = $2 AND w.status = 'waiting'), '[]') AS waiting,
            s.num_slots AS "numSlots", s.consultation_fee AS "consultationFee",
            COALESCE(s.retired_from <= $2::date, false) AS retired,
            (SELECT COALESCE(t.reason, '') FROM time_off t
              WHERE t.doctor_id = s.doctor_id AND $2::date BETWEEN t.from_date AND t.to_date
              ORDER BY t.id LIMIT 1) AS "timeOff",
            nextval(pg_get_serial_sequence('appointments', 'id'))::int AS "reservedId",
            now() AS "transactionStart",
            (SELECT to_json(x) FROM (
              SELECT p.id, p.user_id AS "userId", p.name, p.age, p.gender, p.symptoms FROM patients p
              WHERE p.id = $3 AND p.user_id = $4 AND p.deleted_at IS NULL) x) AS patient,
            (SELECT n FROM (SELECT count(*)::int AS n
              FROM patients p
              JOIN appointments a ON a.patient_id = p.id
              JOIN slots s ON s.id = a.slot_id
              JOIN doctors d ON d.id = a.doctor_id
              WHERE p.user_id = $4 AND a.status IN ('booked', 'arrived')
                AND a.sitting_date >= $5::date
                AND ((a.sitting_date + (s.start_minute + s.appointment_duration * s.num_slots) * interval '1 minute')
                     AT TIME ZONE d.timezone) > $6::timestamptz) x) AS "liveAppointments"
          FROM slots s WHERE s.id = $1`,
    args: (s) => {
      const now = Date.now();
      return [
        s.slotId,
        s.date,
        s.patientId,
        s.userId,
        new Date(now - 2 * 86_400_000).toISOString().slice(0, 10),
        new Date(now).toISOString(),
      ];
    },
    learn: (row, learnt) => {
      const seats = (row?.seats ?? []) as { seat: number }[];
      learnt.numSlots = row?.numSlots as number;
      learnt.appointmentId = row?.reservedId as number;
      learnt.seat = lowestFreeSeat(
        seats.map((x) => x.seat),
        learnt.numSlots,
      );
      if (learnt.seat === undefined) throw new Error("the sitting is full");
    },
  },
  {
    sql: `WITH appended_appointments AS (
            INSERT INTO appointments (id, patient_id, slot_id, doctor_id, sitting_date, seat, capacity)
            OVERRIDING SYSTEM VALUE
            SELECT * FROM unnest($1::int4[], $2::int4[], $3::int4[], $4::int4[], $5::date[], $6::int4[], $7::int4[])
          ), appended_events AS (
            INSERT INTO outbox (type, payload, published_at)
            SELECT e.type, e.payload, now() FROM unnest($8::text[], $9::jsonb[]) AS e(type, payload)
          ), appended_notifications AS (
            INSERT INTO notifications (user_id, kind, text, appointment_id)
            SELECT * FROM unnest($10::int4[], $11::text[], $12::text[], $13::int4[])
            ON CONFLICT DO NOTHING
          ) SELECT 1`,
    args: (s, l) => {
      const event = {
        type: "AppointmentBooked",
        appointmentId: l.appointmentId,
        doctorId: l.doctorId,
        slotId: s.slotId,
        date: s.date,
        seat: l.seat,
        patientId: s.patientId,
      };
      const text = `Patient holds seat ${l.seat} in the sitting of ${s.date} (appointment ${l.appointmentId}).`;
      return [
        [l.appointmentId],
        [s.patientId],
        [s.slotId],
        [l.doctorId],
        [s.date],
        [l.seat],
        [l.numSlots],
        ["AppointmentBooked"],
        [JSON.stringify(event)],
        [s.userId],
        ["booked"],
        [text],
        [l.appointmentId],
      ];
    },
  },
  { sql: "COMMIT", args: () => [] },
];

/** Round trips of a booking in the replicated sequence (BEGIN/COMMIT included). */
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
    // Every connection opened before the clock starts, as the API's pool has them open.
    const opened = await Promise.all(Array.from({ length: concurrency }, () => pool.connect()));
    for (const client of opened) client.release();
    const oneStatement = await drive(
      concurrency,
      { ...limit, amount: Math.min(limit.amount ?? Number.POSITIVE_INFINITY, shots.oneStatement.length) },
      async (i) => {
        const s = shots.oneStatement[i] as BookingShot;
        const { rowCount } = await pool.query(ONE_STATEMENT, [s.slotId, s.date, s.patientId]);
        if (rowCount !== 1)
          throw new Error(`one-statement booking of slot ${s.slotId} on ${s.date} booked nothing`);
      },
    );
    const sequence = await drive(
      concurrency,
      { ...limit, amount: Math.min(limit.amount ?? Number.POSITIVE_INFINITY, shots.sequence.length) },
      async (i) => {
        const s = shots.sequence[i] as BookingShot;
        const learnt: Learnt = {};
        const client = await pool.connect();
        try {
          for (const step of SEQUENCE) {
            const { rows } = await client.query(step.sql, step.args(s, learnt));
            step.learn?.(rows[0] as Record<string, unknown> | undefined, learnt);
          }
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      },
    );
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
