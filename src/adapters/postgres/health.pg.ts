import { type DatabasePool, sql } from "slonik";
import { z } from "zod";
import type { HealthCheck } from "../../ports/health.js";

export class PgHealthCheck implements HealthCheck {
  readonly name = "postgres";
  constructor(private readonly pool: DatabasePool) {}

  async check(): Promise<void> {
    await this.pool.oneFirst(sql.type(z.object({ ok: z.number() }))`SELECT 1 AS ok`);
  }
}
