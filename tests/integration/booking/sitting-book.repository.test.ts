import type { DatabasePool } from "slonik";
import { afterAll, beforeAll } from "vitest";
import { createPgPool } from "../../../src/adapters/postgres/pool.js";
import { PgUnitOfWork } from "../../../src/adapters/postgres/unit-of-work.pg.js";
import { TEST_DATABASE_URL } from "../../support/env.js";
import { sittingBookRepositoryContract } from "../../support/sitting-book.contract.js";

let pool: DatabasePool;
beforeAll(async () => {
  pool = await createPgPool({ databaseUrl: TEST_DATABASE_URL, maximumPoolSize: 4 });
});
afterAll(async () => {
  await pool.end();
});

sittingBookRepositoryContract("postgres", () => new PgUnitOfWork(pool));
