import { type DatabasePool, sql } from "slonik";
import type { HealthCheck } from "../../ports/health.js";
import { flagRow } from "./rows.js";

export class PgHealthCheck implements HealthCheck {
  constructor(
    private readonly pool: DatabasePool,
    readonly name = "postgres",
    readonly roles: readonly string[] = ["primary"],
    readonly critical = true,
  ) {}

  async check(): Promise<void> {
    await this.pool.oneFirst(sql.type(flagRow)`SELECT 1 AS x`);
  }
}
