import { type DatabasePool, sql } from "slonik";
import { z } from "zod";
import type { CatalogRepository, Qualification, Specialization } from "../../ports/catalog.repository.js";

const qualificationRow = z.object({ id: z.number(), name: z.string() });
const idByName = z.object({ id: z.number(), name: z.string() });
const specializationRow = z.object({ id: z.number(), name: z.string(), imageKey: z.string().nullable() });

export class PgCatalogRepository implements CatalogRepository {
  constructor(private readonly pool: DatabasePool) {}

  async listQualifications(): Promise<readonly Qualification[]> {
    return this.pool.any(sql.type(qualificationRow)`SELECT id, name FROM qualifications ORDER BY id`);
  }

  async listSpecializations(): Promise<readonly Specialization[]> {
    return this.pool.any(
      sql.type(specializationRow)`SELECT id, name, image AS "imageKey" FROM specializations ORDER BY id`,
    );
  }

  async specializationIdsByName(names: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const rows = await this.pool.any(
      sql.type(
        idByName,
      )`SELECT id, name FROM specializations WHERE name = ANY(${sql.array([...names], "text")})`,
    );
    return new Map(rows.map((r) => [r.name, r.id]));
  }

  async qualificationIdsByName(names: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const rows = await this.pool.any(
      sql.type(
        idByName,
      )`SELECT id, name FROM qualifications WHERE name = ANY(${sql.array([...names], "text")})`,
    );
    return new Map(rows.map((r) => [r.name, r.id]));
  }
}
