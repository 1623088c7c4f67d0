import { type DatabasePool, sql } from "slonik";
import type { HealthCheck } from "../../ports/health.js";
import { flagRow } from "./rows.js";

export class PgHealthCheck implements HealthCheck {
  readonly name = "postgres";
  constructor(private readonly pool: DatabasePool) {}

  async check(): Promise<void> {
    await this.pool.oneFirst(sql.type(flagRow)`SELECT 1 AS x`);
  }
}
