import { type DatabasePool, sql } from "slonik";
import { z } from "zod";
import type { AppointmentRow } from "../../ports/appointment.read-model.js";
import { NOTIFICATION_KINDS } from "../../ports/notifier.js";
import type { NotificationRow, ReviewRow, VisitReadModel } from "../../ports/visit.read-model.js";
import { appointmentRow, SELECT_APPOINTMENTS, toAppointmentRow } from "./appointment.read-model.pg.js";
import type { ReadPool } from "./read-routing.pg.js";

const date = z.number().transform((ms) => new Date(ms));
const count = z.object({ n: z.number() });

const notificationRow = z.object({
  id: z.number(),
  kind: z.enum(NOTIFICATION_KINDS),
  text: z.string(),
  appointmentId: z.number().nullable(),
  createdAt: date,
  readAt: date.nullable(),
});

const notificationCounts = z.object({ total: z.number(), unread: z.number() });

const reviewRow = z.object({ rating: z.number(), review: z.string().nullable(), createdAt: date });

export class PgVisitReadModel implements VisitReadModel {
  constructor(
    private readonly pool: DatabasePool,
    /** Reviews are lag-tolerant; appointments and notifications must show the caller's own writes. */
    private readonly lagTolerant: ReadPool = pool,
  ) {}

  async doctorDay(doctorId: number, day: string): Promise<AppointmentRow[]> {
    const rows = await this.pool.any(sql.type(appointmentRow)`
      ${SELECT_APPOINTMENTS}
      WHERE a.doctor_id = ${doctorId} AND a.sitting_date = ${day} AND a.status <> 'cancelled'
      ORDER BY s.start_minute, a.seat
    `);
    return rows.map(toAppointmentRow);
  }

  async liveAppointmentsFrom(fromDate: string, afterId: number, limit: number): Promise<AppointmentRow[]> {
    const rows = await this.pool.any(sql.type(appointmentRow)`
      ${SELECT_APPOINTMENTS}
      WHERE a.status = 'booked' AND a.sitting_date >= ${fromDate} AND a.id > ${afterId}
      ORDER BY a.id
      LIMIT ${limit}
    `);
    return rows.map(toAppointmentRow);
  }

  async reviews(
    doctorId: number,
    offset: number,
    limit: number,
  ): Promise<{ rows: ReviewRow[]; total: number }> {
    const [rows, total] = await Promise.all([
      this.lagTolerant.any(sql.type(reviewRow)`
        SELECT rating, review, created_at AS "createdAt" FROM ratings WHERE doctor_id = ${doctorId}
        ORDER BY created_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}
      `),
      this.lagTolerant.oneFirst(
        sql.type(count)`SELECT count(*)::int AS n FROM ratings WHERE doctor_id = ${doctorId}`,
      ),
    ]);
    return { rows: [...rows], total };
  }

  async notifications(userId: number, offset: number, limit: number, unreadOnly = false) {
    const only = unreadOnly ? sql.fragment`AND read_at IS NULL` : sql.fragment``;
    const [rows, counts] = await Promise.all([
      this.pool.any(sql.type(notificationRow)`
        SELECT id, kind, text, appointment_id AS "appointmentId", created_at AS "createdAt", read_at AS "readAt"
        FROM notifications WHERE user_id = ${userId} ${only}
        ORDER BY id DESC LIMIT ${limit} OFFSET ${offset}
      `),
      this.pool.one(sql.type(notificationCounts)`
        SELECT count(*)::int AS total, count(*) FILTER (WHERE read_at IS NULL)::int AS unread
        FROM notifications WHERE user_id = ${userId}
      `),
    ]);
    const { total, unread } = notificationCounts.parse(counts);
    return { rows: rows as NotificationRow[], total: unreadOnly ? unread : total, unread };
  }
}
