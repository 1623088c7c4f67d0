import { sql } from "slonik";
import { z } from "zod";
import type { TimeOff } from "../../domain/doctor/time-off.js";
import type { Closures, DoctorReadModel, DoctorRow, SittingCount } from "../../ports/doctor.read-model.js";
import type { ReadPool } from "./read-routing.pg.js";
import { countRow, idRow } from "./rows.js";
import { SLOT_COLUMNS, slotRow } from "./slot.repository.pg.js";
import { TIME_OFF_COLUMNS, timeOffRow } from "./time-off.repository.pg.js";

const doctorRow = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  imageKey: z.string().nullable(),
  timeZone: z.string(),
  verified: z.boolean(),
  earliestProcurement: z.string().nullable(),
  rating: z.number().nullable(),
  ratingCount: z.number(),
  noOfPatients: z.number(),
  specializations: z.array(z.object({ id: z.number(), name: z.string(), imageKey: z.string().nullable() })),
  qualifications: z.array(
    z.object({ name: z.string(), procurementYear: z.string(), instituteName: z.string() }),
  ),
  slots: z.array(slotRow),
});

const WEEK_ORDER = sql.fragment`array_position(
  ARRAY['monday','tuesday','wednesday','thursday','friday','saturday','sunday'], s.day)`;

/** One round trip per page of doctors: the nested lists are aggregated to JSON by Postgres. */
const DOCTOR_ROWS = sql.fragment`
  SELECT d.id, u.name, d.description, d.image AS "imageKey", d.timezone AS "timeZone", d.verified,
    (SELECT to_char(min(dq.procurement_year), 'YYYY-MM-DD') FROM doctor_qualifications dq
      WHERE dq.doctor_id = d.id) AS "earliestProcurement",
    (SELECT round(avg(r.rating), 2)::float8 FROM ratings r WHERE r.doctor_id = d.id) AS rating,
    (SELECT count(*)::int FROM ratings r WHERE r.doctor_id = d.id) AS "ratingCount",
    (SELECT count(DISTINCT a.patient_id)::int FROM appointments a
      WHERE a.doctor_id = d.id AND a.status <> 'cancelled') AS "noOfPatients",
    COALESCE((SELECT json_agg(json_build_object('id', sp.id, 'name', sp.name, 'imageKey', sp.image) ORDER BY sp.name)
      FROM doctor_specializations ds JOIN specializations sp ON sp.id = ds.specialization_id
      WHERE ds.doctor_id = d.id), '[]') AS specializations,
    COALESCE((SELECT json_agg(json_build_object('name', q.name,
        'procurementYear', to_char(dq.procurement_year, 'YYYY-MM-DD'), 'instituteName', dq.institute_name)
        ORDER BY dq.procurement_year, q.name)
      FROM doctor_qualifications dq JOIN qualifications q ON q.id = dq.qualification_id
      WHERE dq.doctor_id = d.id), '[]') AS qualifications,
    COALESCE((SELECT json_agg(json_build_object('id', s.id, 'doctorId', s.doctor_id, 'day', s.day,
        'startMinute', s.start_minute, 'appointmentDuration', s.appointment_duration, 'numSlots', s.num_slots,
        'consultationFee', s.consultation_fee) ORDER BY ${WEEK_ORDER}, s.start_minute)
      FROM slots s WHERE s.doctor_id = d.id AND s.retired_from IS NULL), '[]') AS slots
  FROM doctors d JOIN users u ON u.id = d.user_id
`;

const sittingCountRow = z.object({ slotId: z.number(), date: z.string(), booked: z.number() });
const retiredSlotRow = slotRow.extend({ retiredFrom: z.string() });

export class PgDoctorReadModel implements DoctorReadModel {
  constructor(private readonly pool: ReadPool) {}

  async findByIds(
    ids: readonly number[],
    options: { includeUnverified?: boolean } = {},
  ): Promise<DoctorRow[]> {
    if (ids.length === 0) return [];
    const visible = options.includeUnverified ? sql.fragment`true` : sql.fragment`d.verified`;
    const rows = await this.pool.any(
      sql.type(doctorRow)`${DOCTOR_ROWS} WHERE d.id = ANY(${sql.array([...ids], "int4")}) AND ${visible}`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async listIds(offset: number, limit: number): Promise<{ ids: number[]; total: number }> {
    const [rows, total] = await Promise.all([
      this.pool.any(sql.type(idRow)`
        SELECT id FROM doctors WHERE verified ORDER BY id LIMIT ${limit} OFFSET ${offset}
      `),
      this.count(),
    ]);
    return { ids: rows.map((r) => r.id), total };
  }

  async listIdsByVerification(
    verified: boolean | undefined,
    offset: number,
    limit: number,
  ): Promise<{ ids: number[]; total: number }> {
    const where = verified === undefined ? sql.fragment`true` : sql.fragment`verified = ${verified}`;
    const [rows, total] = await Promise.all([
      this.pool.any(sql.type(idRow)`
        SELECT id FROM doctors WHERE ${where} ORDER BY id LIMIT ${limit} OFFSET ${offset}
      `),
      this.pool.oneFirst(sql.type(countRow)`SELECT count(*)::int AS n FROM doctors WHERE ${where}`),
    ]);
    return { ids: rows.map((r) => r.id), total };
  }

  async idsAfter(afterId: number, limit: number): Promise<number[]> {
    const rows = await this.pool.any(sql.type(idRow)`
      SELECT id FROM doctors WHERE id > ${afterId} AND verified ORDER BY id LIMIT ${limit}
    `);
    return rows.map((r) => r.id);
  }

  async idsWithSpecialization(specializationId: number): Promise<number[]> {
    const rows = await this.pool.any(sql.type(idRow)`
      SELECT ds.doctor_id AS id FROM doctor_specializations ds JOIN doctors d ON d.id = ds.doctor_id
      WHERE ds.specialization_id = ${specializationId} AND d.verified ORDER BY 1
    `);
    return rows.map((r) => r.id);
  }

  count(): Promise<number> {
    return this.pool.oneFirst(sql.type(countRow)`SELECT count(*)::int AS n FROM doctors WHERE verified`);
  }

  doctorIdOfUser(userId: number): Promise<number | null> {
    return this.pool.maybeOneFirst(sql.type(idRow)`
      SELECT id FROM doctors WHERE user_id = ${userId}
    `);
  }

  async popularIds(since: Date, limit: number): Promise<number[]> {
    const rows = await this.pool.any(sql.type(idRow)`
      SELECT d.id
      FROM doctors d
      LEFT JOIN appointments a
        ON a.doctor_id = d.id AND a.status <> 'cancelled' AND a.created_at >= ${sql.timestamp(since)}
      WHERE d.verified
      GROUP BY d.id
      ORDER BY count(a.id) DESC,
        (SELECT avg(r.rating) FROM ratings r WHERE r.doctor_id = d.id) DESC NULLS LAST,
        d.id
      LIMIT ${limit}
    `);
    return rows.map((r) => r.id);
  }

  async sittingCounts(doctorId: number, from: string, to: string): Promise<SittingCount[]> {
    const rows = await this.pool.any(sql.type(sittingCountRow)`
      SELECT slot_id AS "slotId", to_char(sitting_date, 'YYYY-MM-DD') AS date, count(*)::int AS booked
      FROM appointments
      WHERE doctor_id = ${doctorId} AND status <> 'cancelled' AND sitting_date BETWEEN ${from} AND ${to}
      GROUP BY slot_id, sitting_date
    `);
    return [...rows];
  }

  async closuresBetween(doctorId: number, from: string, to: string): Promise<Closures> {
    const [timeOff, retiredSlots] = await Promise.all([
      this.pool.any(sql.type(timeOffRow)`
        SELECT ${TIME_OFF_COLUMNS} FROM time_off t
        WHERE t.doctor_id = ${doctorId} AND t.to_date >= ${from} AND t.from_date <= ${to}
        ORDER BY t.id
      `),
      this.pool.any(sql.type(retiredSlotRow)`
        SELECT ${SLOT_COLUMNS}, to_char(s.retired_from, 'YYYY-MM-DD') AS "retiredFrom" FROM slots s
        WHERE s.doctor_id = ${doctorId} AND s.retired_from > ${from}
      `),
    ]);
    return {
      timeOff: [...timeOff],
      retiredSlots: retiredSlots.map(({ retiredFrom, ...slot }) => ({ slot, retiredFrom })),
    };
  }

  async timeOffFrom(doctorId: number, date: string): Promise<TimeOff[]> {
    return [
      ...(await this.pool.any(sql.type(timeOffRow)`
        SELECT ${TIME_OFF_COLUMNS} FROM time_off t
        WHERE t.doctor_id = ${doctorId} AND t.to_date >= ${date}
        ORDER BY t.from_date, t.id
      `)),
    ];
  }
}
