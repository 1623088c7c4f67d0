import { type DatabasePool, sql } from "slonik";
import { z } from "zod";
import type { AppointmentRow } from "../../ports/appointment.read-model.js";
import type { CalendarFeedStore } from "../../ports/calendar-feed.store.js";
import { appointmentRow, SELECT_APPOINTMENTS, toAppointmentRow } from "./appointment.read-model.pg.js";

export class PgCalendarFeedStore implements CalendarFeedStore {
  constructor(private readonly pool: DatabasePool) {}

  async replace(doctorId: number, tokenDigest: string): Promise<void> {
    await this.pool.query(sql.unsafe`
      INSERT INTO calendar_feeds (doctor_id, token_digest) VALUES (${doctorId}, ${tokenDigest})
      ON CONFLICT (doctor_id) DO UPDATE SET token_digest = EXCLUDED.token_digest, created_at = now()
    `);
  }

  async doctorOf(tokenDigest: string): Promise<number | null> {
    return this.pool.maybeOneFirst(sql.type(z.object({ doctorId: z.number() }))`
      SELECT doctor_id AS "doctorId" FROM calendar_feeds WHERE token_digest = ${tokenDigest}
    `);
  }

  async liveAppointmentsBetween(doctorId: number, from: string, to: string): Promise<AppointmentRow[]> {
    const rows = await this.pool.any(sql.type(appointmentRow)`
      ${SELECT_APPOINTMENTS}
      WHERE a.doctor_id = ${doctorId} AND a.sitting_date BETWEEN ${from} AND ${to} AND a.status <> 'cancelled'
      ORDER BY a.sitting_date, s.start_minute, a.seat
    `);
    return rows.map(toAppointmentRow);
  }
}
