import { type DatabasePool, type FragmentSqlToken, sql } from "slonik";
import { z } from "zod";
import type { Weekday } from "../../domain/slot/weekday.js";
import {
  type DoctorDocument,
  type DoctorDocumentSource,
  doctorDocumentOf,
  type PublicDoctor,
} from "../../ports/doctor-search.js";
import type { ImageUrls } from "../../ports/image-urls.js";

const weekday = z.enum(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]);

const doctorRow = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  imageKey: z.string().nullable(),
  timezone: z.string(),
  experience: z.number(),
  noOfPatients: z.number(),
  specializations: z.array(z.object({ id: z.number(), name: z.string(), imageKey: z.string().nullable() })),
  qualifications: z.array(
    z.object({ name: z.string(), procurement_year: z.string(), institute_name: z.string() }),
  ),
  slots: z.array(
    z.object({
      id: z.number(),
      day: weekday,
      startMinute: z.number(),
      duration: z.number(),
      numSlots: z.number(),
      fee: z.number(),
    }),
  ),
});
type DoctorRow = z.infer<typeof doctorRow>;

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;

/**
 * One query per batch of doctors, public columns only: the user's name comes from `users`, the email
 * and password hash are never selected. `experience` is whole years since the earliest qualification;
 * `no_of_patients` counts distinct patients with a non-cancelled appointment. Ratings do not exist yet:
 * rating null, rating_count 0.
 */
const doctorsWhere = (condition: FragmentSqlToken, limit: number) => sql.type(doctorRow)`
  SELECT
    d.id,
    u.name,
    d.description,
    d.image AS "imageKey",
    d.timezone,
    COALESCE((
      SELECT extract(year FROM age(current_date, min(dq.procurement_year)))::int
      FROM doctor_qualifications dq WHERE dq.doctor_id = d.id
    ), 0) AS experience,
    (
      SELECT count(DISTINCT a.patient_id)::int
      FROM appointments a WHERE a.doctor_id = d.id AND a.status <> 'cancelled'
    ) AS "noOfPatients",
    COALESCE((
      SELECT json_agg(json_build_object('id', s.id, 'name', s.name, 'imageKey', s.image) ORDER BY s.name)
      FROM doctor_specializations ds JOIN specializations s ON s.id = ds.specialization_id
      WHERE ds.doctor_id = d.id
    ), '[]') AS specializations,
    COALESCE((
      SELECT json_agg(json_build_object(
        'name', q.name,
        'procurement_year', to_char(dq.procurement_year, 'YYYY-MM-DD'),
        'institute_name', dq.institute_name
      ) ORDER BY dq.procurement_year, q.name)
      FROM doctor_qualifications dq JOIN qualifications q ON q.id = dq.qualification_id
      WHERE dq.doctor_id = d.id
    ), '[]') AS qualifications,
    COALESCE((
      SELECT json_agg(json_build_object(
        'id', sl.id, 'day', sl.day, 'startMinute', sl.start_minute, 'duration', sl.appointment_duration,
        'numSlots', sl.num_slots, 'fee', sl.consultation_fee
      ) ORDER BY array_position(
        ARRAY['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'], sl.day
      ), sl.start_minute)
      FROM slots sl WHERE sl.doctor_id = d.id
    ), '[]') AS slots
  FROM doctors d JOIN users u ON u.id = d.user_id
  WHERE ${condition}
  ORDER BY d.id
  LIMIT ${limit}
`;

export class PgDoctorDocumentSource implements DoctorDocumentSource {
  constructor(
    private readonly pool: DatabasePool,
    private readonly images: ImageUrls,
    private readonly batchSize = 200,
  ) {}

  async load(doctorId: number): Promise<DoctorDocument | null> {
    const row = await this.pool.maybeOne(doctorsWhere(sql.fragment`d.id = ${doctorId}`, 1));
    return row ? doctorDocumentOf(this.toDoctor(row)) : null;
  }

  /** Streams every doctor in id order, a batch per query (keyset pagination, no long transaction). */
  async *loadAll(): AsyncIterable<DoctorDocument> {
    let after = 0;
    for (;;) {
      const rows = await this.pool.any(doctorsWhere(sql.fragment`d.id > ${after}`, this.batchSize));
      for (const row of rows) yield doctorDocumentOf(this.toDoctor(row));
      const last = rows.at(-1);
      if (!last || rows.length < this.batchSize) return;
      after = last.id;
    }
  }

  async count(): Promise<number> {
    return this.pool.oneFirst(
      sql.type(z.object({ count: z.number() }))`SELECT count(*)::int AS count FROM doctors`,
    );
  }

  private toDoctor(row: DoctorRow): PublicDoctor {
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      image: this.images.doctorImage(row.imageKey),
      timezone: row.timezone,
      experience: row.experience,
      rating: null,
      rating_count: 0,
      no_of_patients: row.noOfPatients,
      specializations: row.specializations.map((s) => ({
        id: s.id,
        name: s.name,
        image: this.images.specializationImage(s.imageKey),
      })),
      qualifications: row.qualifications,
      slots: row.slots.map((s) => ({
        id: s.id,
        doctor_id: row.id,
        day: s.day as Weekday,
        start: hhmm(s.startMinute),
        end: hhmm(s.startMinute + s.duration * s.numSlots),
        appointment_duration: s.duration,
        num_slots: s.numSlots,
        consultation_fee: s.fee,
      })),
    };
  }
}
