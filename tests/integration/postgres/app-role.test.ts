import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { runMigrations } from "../../../src/adapters/postgres/migrate.js";
import { loadConfig, projectRoot } from "../../../src/config.js";
import { registerAndSignIn } from "../../support/accounts.js";
import { TEST_DATABASE_URL } from "../../support/env.js";
import { json, startTestServer, type TestServer } from "../../support/server.js";

/** A role of its own (roles are cluster-wide; the suffix keeps parallel runs apart), dropped at the end. */
const role = `doctorly_app_test_${randomBytes(4).toString("hex")}`;
const password = randomBytes(12).toString("hex");
const appUrl = (() => {
  const u = new URL(TEST_DATABASE_URL);
  u.username = role;
  u.password = password;
  return u.href;
})();

async function asRole<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const errorCode = (sqlText: string) =>
  asRole(appUrl, (c) =>
    c.query(sqlText).then(
      () => "ok",
      (e: { code?: string }) => e.code ?? "error",
    ),
  );

describe("least-privilege app role (DATABASE_APP_ROLE, DATABASE_MIGRATION_URL)", () => {
  let server: TestServer;

  beforeAll(async () => {
    await asRole(TEST_DATABASE_URL, (c) => c.query(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`));
    await runMigrations(TEST_DATABASE_URL, path.join(projectRoot, "migrations"), createLogger("silent"), {
      appRole: role,
    });
    server = await startTestServer({ DATABASE_URL: appUrl, DATABASE_MIGRATION_URL: TEST_DATABASE_URL });
  });

  afterAll(async () => {
    await server?.close();
    await asRole(TEST_DATABASE_URL, async (c) => {
      await c.query(`DROP OWNED BY ${role}`);
      await c.query(`DROP ROLE ${role}`);
    });
  });

  it("DATABASE_MIGRATION_URL defaults to DATABASE_URL, so a development machine needs no new setting", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://app@db:5432/doctorly" });
    expect(config.DATABASE_MIGRATION_URL).toBe("postgres://app@db:5432/doctorly");
    expect(config.DATABASE_APP_ROLE).toBeUndefined();
    expect(() => loadConfig({ DATABASE_APP_ROLE: 'x"; DROP TABLE users; --' })).toThrow(/DATABASE_APP_ROLE/);
  });

  it("runs the app's reads and writes as that role: register, sign in, add a patient, read it back", async () => {
    const account = await registerAndSignIn(server, { name: "Least Privilege" });
    const auth = { authorization: `Bearer ${account.token}` };
    const created = await server.request(
      "/patient/new",
      json({ name: "Role Patient", age: 30, gender: "female" }, auth),
    );
    expect(created.status).toBe(201);
    const list = await server.request("/patient/all", { headers: auth });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { total: number }).total).toBe(1);
    const who = await asRole(appUrl, (c) => c.query("SELECT current_user AS u"));
    expect(who.rows[0]?.u).toBe(role);
  });

  it("refuses that role every change to the schema, TRUNCATE and the migration ledger", async () => {
    expect(await errorCode("CREATE TABLE intruder (id int)")).toBe("42501");
    expect(await errorCode("DROP TABLE users")).toBe("42501");
    expect(await errorCode("ALTER TABLE users ADD COLUMN x int")).toBe("42501");
    expect(await errorCode("TRUNCATE users")).toBe("42501");
    expect(await errorCode("CREATE INDEX intruder_idx ON users (id)")).toBe("42501");
    expect(await errorCode("DELETE FROM pgmigrations")).toBe("42501");
    expect(await errorCode("SELECT count(*) FROM pgmigrations")).toBe("ok");
  });

  it("fails clearly when the named role does not exist", async () => {
    await expect(
      runMigrations(TEST_DATABASE_URL, path.join(projectRoot, "migrations"), createLogger("silent"), {
        appRole: "doctorly_no_such_role",
      }),
    ).rejects.toThrow(/does not exist/);
  });
});
