import { type CommonQueryMethods, type FragmentSqlToken, sql } from "slonik";
import { z } from "zod";
import { sittingOf } from "../../domain/sitting/sitting.js";
import {
  closedReasonOf,
  type Seat,
  type SittingBook,
  type WaitingEntry,
} from "../../domain/sitting/sitting-book.js";
import type { Slot } from "../../domain/slot/slot.js";
import type {
  BookingAccount,
  BookingAccountState,
  EntryPlace,
  LoadOptions,
  SittingBookRepository,
} from "../../ports/sitting-book.repository.js";
import { liveAppointmentsOf } from "./account-usage.pg.js";
import type { AppendedRows, NewAppointmentRow } from "./appended-rows.pg.js";
import { ownedPatient, patientRow } from "./patient.repository.pg.js";
import { earliestLiveDate } from "./slot.repository.pg.js";

const seatRow = z.object({
  appointmentId: z.number(),
  seat: z.number(),
  patientId: z.number(),
  ownerUserId: z.number(),
  status: z.enum(["booked", "arrived", "fulfilled", "noshow"]),
});
const entryRow = z.object({ id: z.number(), patientId: z.number(), ownerUserId: z.number() });
const bookRow = z.object({
  seats: z.array(seatRow),
  waiting: z.array(entryRow),
  numSlots: z.number(),
  consultationFee: z.number(),
  retired: z.boolean(),
  timeOff: z.string().nullable(),
  reservedId: z.number().nullable(),
  transactionStart: z.number(),
  patient: patientRow.nullable(),
  liveAppointments: z.number().nullable(),
});
const placeRow = z.object({ slotId: z.number(), date: z.string() });
const nextIdRow = z.object({ id: z.number() });
const insertedRow = z.object({ id: z.number(), createdAt: z.number().transform((ms) => new Date(ms)) });

/** The advisory lock of the sitting of slot `slotId` (an SQL expression) on `date`. */
export const sittingLockOf = (slotId: FragmentSqlToken, date: string) =>
  sql.fragment`pg_advisory_xact_lock((${slotId})::int4, (${date}::date - DATE '2000-01-01')::int4)`;

/** The items of `xs` whose key is not among those of `ys`. */
const without = <T>(xs: readonly T[], ys: readonly T[], key: (t: T) => number) => {
  const kept = new Set(ys.map(key));
  return xs.filter((t) => !kept.has(key(t)));
};

export class PgSittingBookRepository implements SittingBookRepository {
  /** Taken by the last `lockAndLoad` for `newAppointmentId`. */
  private reservedAppointmentId: number | null = null;
  /** The transaction's start (`now()`, which is every `created_at` it writes), read by `lockAndLoad`. */
  private transactionStart: Date | null = null;

  /**
   * With `appended`, a new appointment's row is held there (written before the transaction's next
   * statement, or with its outbox events before commit) instead of being inserted at once.
   */
  constructor(
    private readonly db: CommonQueryMethods,
    private readonly appended?: AppendedRows,
  ) {}

  async lockAndLoad(slot: Slot, timeZone: string, date: string, reserve?: LoadOptions): Promise<SittingBook> {
    return (await this.load(slot, timeZone, date, reserve, null)).book;
  }

  async lockAndLoadWithAccount(
    slot: Slot,
    timeZone: string,
    date: string,
    reserve: LoadOptions,
    account: BookingAccount,
  ): Promise<{ book: SittingBook; account: BookingAccountState }> {
    const loaded = await this.load(slot, timeZone, date, reserve, account);
    return {
      book: loaded.book,
      account: { patient: loaded.row.patient, liveAppointments: loaded.row.liveAppointments ?? 0 },
    };
  }

  private async load(
    slot: Slot,
    timeZone: string,
    date: string,
    reserve: LoadOptions | undefined,
    account: BookingAccount | null,
  ): Promise<{ book: SittingBook; row: z.output<typeof bookRow> }> {
    // Two-key advisory lock (slot id, days since 2000-01-01): one sitting, one lock, released at commit
    // (taken here, or by the booking's context read: `sittingLockOf`).
    // The reads below are later statements, so they see everything committed before the lock was granted.
    if (!reserve?.locked) {
      await this.db.query(sql.unsafe`SELECT ${sittingLockOf(sql.fragment`${slot.id}`, date)}`);
    }
    // One statement for the lists and for what may have changed before the lock was granted: the slot's
    // capacity and fee, its retirement and the doctor's time off on that date; with `account`, the
    // patient and the account's live appointments, which the statement that took the account's lock may
    // have read from before a change committed under that lock (`PgBookingContextReader`).
    const row = await this.db.one(sql.type(bookRow)`
      SELECT
        COALESCE((SELECT json_agg(json_build_object('appointmentId', a.id, 'seat', a.seat,
            'patientId', a.patient_id, 'ownerUserId', p.user_id, 'status', a.status) ORDER BY a.seat)
          FROM appointments a JOIN patients p ON p.id = a.patient_id
          WHERE a.slot_id = ${slot.id} AND a.sitting_date = ${date} AND a.status <> 'cancelled'), '[]') AS seats,
        COALESCE((SELECT json_agg(json_build_object('id', w.id, 'patientId', w.patient_id,
            'ownerUserId', p.user_id) ORDER BY w.id)
          FROM waitlist_entries w JOIN patients p ON p.id = w.patient_id
          WHERE w.slot_id = ${slot.id} AND w.sitting_date = ${date} AND w.status = 'waiting'), '[]') AS waiting,
        s.num_slots AS "numSlots", s.consultation_fee AS "consultationFee",
        COALESCE(s.retired_from <= ${date}::date, false) AS retired,
        (SELECT COALESCE(t.reason, '') FROM time_off t
          WHERE t.doctor_id = s.doctor_id AND ${date}::date BETWEEN t.from_date AND t.to_date
          ORDER BY t.id LIMIT 1) AS "timeOff",
        ${
          reserve?.appointmentId
            ? sql.fragment`nextval(pg_get_serial_sequence('appointments', 'id'))::int`
            : sql.fragment`NULL::int`
        } AS "reservedId",
        now() AS "transactionStart",
        ${
          account
            ? sql.fragment`(SELECT to_json(x) FROM (${ownedPatient(account.patientId, account.userId)}) x)`
            : sql.fragment`NULL::json`
        } AS patient,
        ${
          account
            ? sql.fragment`(SELECT n FROM (${liveAppointmentsOf(account.userId, account.now)}) x)`
            : sql.fragment`NULL::int`
        } AS "liveAppointments"
      FROM slots s WHERE s.id = ${slot.id}
    `);
    this.reservedAppointmentId = row.reservedId;
    this.transactionStart = new Date(row.transactionStart);
    const current = { ...slot, numSlots: row.numSlots, consultationFee: row.consultationFee };
    const book: SittingBook = {
      slot: current,
      sitting: sittingOf(current, date, timeZone),
      doctorId: slot.doctorId,
      seats: row.seats,
      waiting: row.waiting,
      closedReason: closedReasonOf({ retired: row.retired, timeOff: row.timeOff }),
      cancelled: [],
    };
    return { book, row };
  }

  async newAppointmentId(): Promise<number> {
    const reserved = this.reservedAppointmentId;
    if (reserved !== null) {
      this.reservedAppointmentId = null;
      return reserved;
    }
    return this.db.oneFirst(
      sql.type(nextIdRow)`SELECT nextval(pg_get_serial_sequence('appointments', 'id'))::int AS id`,
    );
  }

  newWaitingEntryId(): Promise<number> {
    return this.db.oneFirst(
      sql.type(nextIdRow)`SELECT nextval(pg_get_serial_sequence('waitlist_entries', 'id'))::int AS id`,
    );
  }

  async placesOfPatient(patientId: number, now: Date): Promise<EntryPlace[]> {
    // Booked seats from a date that may still be to come (the sitting's book says whether it started);
    // every entry still waiting, whatever its date.
    const rows = await this.db.any(sql.type(placeRow)`
      SELECT slot_id AS "slotId", to_char(sitting_date, 'YYYY-MM-DD') AS date FROM (
        SELECT slot_id, sitting_date FROM appointments
        WHERE patient_id = ${patientId} AND status = 'booked' AND sitting_date >= ${earliestLiveDate(now)}::date
        UNION
        SELECT slot_id, sitting_date FROM waitlist_entries WHERE patient_id = ${patientId} AND status = 'waiting'
      ) AS places
      ORDER BY slot_id, sitting_date
    `);
    return [...rows];
  }

  placeOfEntry(entryId: number): Promise<EntryPlace | null> {
    return this.db.maybeOne(sql.type(placeRow)`
      SELECT slot_id AS "slotId", to_char(sitting_date, 'YYYY-MM-DD') AS date
      FROM waitlist_entries WHERE id = ${entryId}
    `);
  }

  async save(before: SittingBook, after: SittingBook): Promise<{ createdAt: ReadonlyMap<number, Date> }> {
    const { slot } = after;
    const date = after.sitting.date;
    // A closed sitting is not stored as such: it is closed by its slot's retirement or a time off, which
    // the command writes beside this save.
    const cancelled = after.cancelled.slice(before.cancelled.length);
    if (cancelled.length > 0) {
      await this.db.query(sql.unsafe`
        UPDATE appointments a
        SET status = 'cancelled', cancelled_at = now(), cancelled_by = c.by, cancellation_reason = c.reason,
          calendar_sequence = a.calendar_sequence + 1
        FROM json_to_recordset(${sql.json(
          cancelled.map((c) => ({ id: c.appointmentId, by: c.by, reason: c.reason })),
        )}) AS c(id int, by text, reason text)
        WHERE a.id = c.id AND a.status <> 'cancelled'
      `);
    }
    const createdAt = new Map<number, Date>();
    const movedIn = new Map((after.movedIn ?? []).map((m) => [m.appointmentId, m.from]));
    for (const seat of without(after.seats, before.seats, (s) => s.appointmentId)) {
      const from = movedIn.get(seat.appointmentId);
      // A rescheduled appointment keeps its row and id: it takes the seat here and records where it was.
      const row = from
        ? await this.db.one(sql.type(insertedRow)`
            UPDATE appointments SET slot_id = ${slot.id}, doctor_id = ${slot.doctorId}, sitting_date = ${date},
              seat = ${seat.seat}, capacity = ${slot.numSlots}, rescheduled_from_slot_id = ${from.slotId},
              rescheduled_from_date = ${from.date}, rescheduled_from_seat = ${from.seat},
              calendar_sequence = calendar_sequence + 1
            WHERE id = ${seat.appointmentId} AND status = 'booked'
            RETURNING id, created_at AS "createdAt"
          `)
        : await this.insert({
            id: seat.appointmentId,
            patientId: seat.patientId,
            slotId: slot.id,
            doctorId: slot.doctorId,
            date,
            seat: seat.seat,
            capacity: slot.numSlots,
          });
      createdAt.set(row.id, row.createdAt);
    }
    await this.endEntries(
      without(before.waiting, after.waiting, (w) => w.id),
      before.seats,
      after.seats,
    );
    for (const entry of without(after.waiting, before.waiting, (w) => w.id)) {
      await this.db.query(sql.unsafe`
        INSERT INTO waitlist_entries (id, slot_id, sitting_date, patient_id) OVERRIDING SYSTEM VALUE
        VALUES (${entry.id}, ${slot.id}, ${date}, ${entry.patientId})
      `);
    }
    return { createdAt };
  }

  /** A new appointment: held in `appended` when there is one (its `created_at` is the transaction's start). */
  private async insert(a: NewAppointmentRow): Promise<{ id: number; createdAt: Date }> {
    if (this.appended && this.transactionStart) {
      this.appended.insertAppointment(a);
      return { id: a.id, createdAt: this.transactionStart };
    }
    return this.db.one(sql.type(insertedRow)`
      INSERT INTO appointments (id, patient_id, slot_id, doctor_id, sitting_date, seat, capacity)
      OVERRIDING SYSTEM VALUE
      VALUES (${a.id}, ${a.patientId}, ${a.slotId}, ${a.doctorId}, ${a.date}, ${a.seat}, ${a.capacity})
      RETURNING id, created_at AS "createdAt"
    `);
  }

  /** An entry that is gone was seated when its patient holds a new seat, and left otherwise. */
  private async endEntries(
    ended: readonly WaitingEntry[],
    seatsBefore: readonly Seat[],
    seatsAfter: readonly Seat[],
  ): Promise<void> {
    const newSeats = without(seatsAfter, seatsBefore, (s) => s.appointmentId);
    for (const entry of ended) {
      const seat = newSeats.find((s) => s.patientId === entry.patientId);
      await this.db.query(
        seat
          ? sql.unsafe`
              UPDATE waitlist_entries SET status = 'booked', appointment_id = ${seat.appointmentId}
              WHERE id = ${entry.id}`
          : sql.unsafe`UPDATE waitlist_entries SET status = 'left' WHERE id = ${entry.id}`,
      );
    }
  }
}
