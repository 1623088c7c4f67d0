import { type CommonQueryMethods, sql } from "slonik";
import { z } from "zod";
import type { RatingRepository, StoredRating } from "../../ports/rating.repository.js";
import { flagRow } from "./rows.js";

const storedRatingRow = z.object({
  id: z.number(),
  rating: z.number(),
  review: z.string().nullable(),
  createdAt: z.number().transform((ms) => new Date(ms)),
});

export class PgRatingRepository implements RatingRepository {
  constructor(private readonly db: CommonQueryMethods) {}

  existsFor(appointmentId: number): Promise<boolean> {
    return this.db.exists(sql.type(flagRow)`
      SELECT 1 AS x FROM ratings WHERE appointment_id = ${appointmentId}
    `);
  }

  add(r: {
    appointmentId: number;
    doctorId: number;
    rating: number;
    review: string | null;
  }): Promise<StoredRating> {
    return this.db.one(sql.type(storedRatingRow)`
      INSERT INTO ratings (appointment_id, doctor_id, rating, review)
      VALUES (${r.appointmentId}, ${r.doctorId}, ${r.rating}, ${r.review})
      RETURNING id, rating, review, created_at AS "createdAt"
    `);
  }
}
