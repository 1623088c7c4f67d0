import type { DatabasePool } from "slonik";
import { afterAll, beforeAll } from "vitest";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { PgUnitOfWork } from "../../../src/adapters/postgres/unit-of-work.pg.js";
import { TEST_DATABASE_URL } from "../../support/env.js";
import { unitOfWorkContract } from "../../support/unit-of-work.contract.js";

let pool: DatabasePool;
beforeAll(async () => {
  pool = await createPgPool({ databaseUrl: TEST_DATABASE_URL, maximumPoolSize: 2 });
});
afterAll(async () => {
  await pool.end();
});

unitOfWorkContract("postgres", () => new PgUnitOfWork(pool));
