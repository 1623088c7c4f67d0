import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import type { ImageRepository } from "../../ports/image.repository.js";

const doctorImageRow = z.object({ id: z.number(), image: z.string().nullable() });
const specializationImageRow = z.object({ id: z.number(), name: z.string(), image: z.string().nullable() });

/** Lock, then update: the locked read gives the key being replaced even under concurrent uploads. */
export class PgImageRepository implements ImageRepository {
  constructor(private readonly db: CommonQueryMethods) {}

  async setDoctorImage(doctorUserId: number, key: string) {
    const row = await this.db.maybeOne(sql.type(doctorImageRow)`
      SELECT id, image FROM doctors WHERE user_id = ${doctorUserId} FOR UPDATE
    `);
    if (!row) return null;
    await this.db.query(sql.unsafe`UPDATE doctors SET image = ${key} WHERE id = ${row.id}`);
    return { doctorId: row.id, previousKey: row.image };
  }

  async setSpecializationImage(specializationId: number, key: string) {
    const row = await this.db.maybeOne(sql.type(specializationImageRow)`
      SELECT id, name, image FROM specializations WHERE id = ${specializationId} FOR UPDATE
    `);
    if (!row) return null;
    await this.db.query(sql.unsafe`UPDATE specializations SET image = ${key} WHERE id = ${row.id}`);
    return { id: row.id, name: row.name, previousKey: row.image };
  }
}
