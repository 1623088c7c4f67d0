import { execFile, spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import http from "node:http";
import { promisify } from "node:util";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { projectRoot } from "../../src/config.js";
import { PG_POOL, startWorkers } from "../../src/container.js";
import { PASSWORD_HASHER, type PasswordHasher } from "../../src/ports/password-hasher.js";
import { bearer, registerAndSignIn, signIn, type UserJson, uniqueEmail } from "../support/accounts.js";
import { TEST_DATABASE_URL, TEST_REDIS_URL } from "../support/env.js";
import { eventually } from "../support/eventually.js";
import { randomLoopback } from "../support/raw-http.js";
import { json, startTestServer, type TestServer } from "../support/server.js";

const run = promisify(execFile);
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const basic = (email: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${email}:${password}`).toString("base64")}`,
});

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * A request from a chosen loopback address (any 127.x.y.z reaches the server on Linux), so that the
 * per-address sign-in limit of one test never touches the 127.0.0.1 that every other test uses.
 */
function requestFrom(
  server: TestServer,
  localAddress: string,
  path: string,
  init: RequestInit,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(path, server.baseUrl),
      { method: init.method ?? "GET", headers: init.headers as Record<string, string>, localAddress },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    if (typeof init.body === "string") req.write(init.body);
    req.end();
  });
}

async function expectUnauthenticated(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get("www-authenticate")).toMatch(/^Bearer\b/);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect(await res.json()).toMatchObject({ status: 401, title: "Unauthorized" });
}

describe("accounts: registration", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const register = (body: object) => server.request("/users/register", json(body));

  it("creates a user (201) with exactly the User shape, email trimmed and lower-cased", async () => {
    const email = uniqueEmail("Mixed.Case");
    const res = await register({
      name: "  Ayesha Khan ",
      email: `  ${email.toUpperCase()}  `,
      password: "passw0rd!",
    });
    expect(res.status).toBe(201);
    const user = (await res.json()) as UserJson;
    expect(Object.keys(user).sort()).toEqual(["confirmed", "email", "id", "name", "registered_at", "role"]);
    expect(user).toMatchObject({
      name: "Ayesha Khan",
      email: email.toLowerCase(),
      role: "user",
      confirmed: false,
    });
    expect(new Date(user.registered_at).toISOString()).toBe(user.registered_at);
    expect(JSON.stringify(user)).not.toContain("passw0rd");
  });

  it("refuses an email that is taken, in any case (409 problem+json)", async () => {
    const email = uniqueEmail();
    expect((await register({ name: "A", email, password: "not-so-common-1" })).status).toBe(201);
    for (const again of [email, email.toUpperCase(), ` ${email} `]) {
      const res = await register({ name: "B", email: again, password: "not-so-common-2" });
      expect(res.status).toBe(409);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(await res.json()).toMatchObject({ status: 409, type: "/problems/email_taken" });
    }
  });

  it.each([
    ["7 characters", "a".repeat(7)],
    ["129 characters", "a".repeat(129)],
  ])("refuses a password of %s (400, field password)", async (_, password) => {
    const res = await register({ name: "A", email: uniqueEmail(), password });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ path: "password" }] });
  });

  it.each(["12345678", "password1", "Password1", "QWERTYUIOP"])(
    "refuses the common password %j (400, field password says it is too common)",
    async (password) => {
      const email = uniqueEmail();
      const res = await register({ name: "A", email, password });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const body = (await res.json()) as { type: string; errors: { path: string; message: string }[] };
      expect(body.type).toBe("/problems/validation_failed");
      expect(body.errors).toEqual([{ path: "password", message: expect.stringContaining("too common") }]);
      // Nothing was created: the address is still free.
      expect((await register({ name: "A", email, password: `${password}-but-mine` })).status).toBe(201);
    },
  );

  it("still signs in an account whose password is a common one (only setting one is refused)", async () => {
    const email = uniqueEmail("old-account");
    const passwordHash = await server.runtime.container.get<PasswordHasher>(PASSWORD_HASHER).hash("12345678");
    await server.runtime.container
      .get<DatabasePool>(PG_POOL)
      .query(
        sql.unsafe`INSERT INTO users (name, email, password_hash) VALUES ('Old', ${email}, ${passwordHash})`,
      );
    const res = await server.request("/auth/get_token", json({ email, password: "12345678" }));
    expect(res.status).toBe(200);
  });

  it("accepts passwords of 8 and 128 characters", async () => {
    for (const password of ["a".repeat(8), "b".repeat(128)]) {
      expect((await register({ name: "A", email: uniqueEmail(), password })).status).toBe(201);
    }
  });

  it.each(["admin", "doctor", "root"])(
    "refuses role %j (400): no request creates an admin or doctor here",
    async (role) => {
      const email = uniqueEmail();
      const res = await register({ name: "Mallory", email, password: "not-so-common-1", role });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ errors: [{ path: "role" }] });
      // Nothing was created: the address is still free.
      expect((await register({ name: "Mallory", email, password: "not-so-common-1" })).status).toBe(201);
    },
  );

  it('accepts role "user"', async () => {
    const res = await register({
      name: "A",
      email: uniqueEmail(),
      password: "not-so-common-1",
      role: "user",
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as UserJson).role).toBe("user");
  });

  it("refuses a malformed email, a missing field and a body that is not JSON (400)", async () => {
    expect((await register({ name: "A", email: "not-an-email", password: "not-so-common-1" })).status).toBe(
      400,
    );
    expect((await register({ name: "A", password: "not-so-common-1" })).status).toBe(400);
    const garbage = await server.request("/users/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(garbage.status).toBe(400);
  });
});

describe("accounts: tokens and sessions", () => {
  let server: TestServer;
  let pool: DatabasePool;
  beforeAll(async () => {
    server = await startTestServer();
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
  });
  afterAll(async () => {
    await server?.close();
  });

  const info = (token: string) => server.request("/users/info", { headers: bearer(token) });

  it("signs in with HTTP Basic and with a JSON body, each giving its own token", async () => {
    const account = await registerAndSignIn(server, { password: "pass:with:colons" });
    const byBasic = await server.request("/auth/get_token", {
      method: "POST",
      headers: basic(account.email, account.password),
    });
    const byJson = await server.request(
      "/auth/get_token",
      json({ email: ` ${account.email.toUpperCase()} `, password: account.password }),
    );
    const tokens: string[] = [];
    for (const res of [byBasic, byJson]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const body = (await res.json()) as { token: string; expires_at: string };
      expect(Object.keys(body).sort()).toEqual(["expires_at", "token"]);
      expect(body.token.length).toBeGreaterThanOrEqual(32);
      const days = (Date.parse(body.expires_at) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThanOrEqual(30);
      tokens.push(body.token);
    }
    expect(new Set([...tokens, account.token]).size).toBe(3);
    for (const token of tokens) expect((await info(token)).status).toBe(200);
  });

  it("answers a wrong password and an unknown email with the same 401", async () => {
    const account = await registerAndSignIn(server);
    const from = randomLoopback();
    const wrong = await requestFrom(
      server,
      from,
      "/auth/get_token",
      json({ email: account.email, password: "wrong-password" }),
    );
    const unknown = await requestFrom(
      server,
      from,
      "/auth/get_token",
      json({ email: uniqueEmail(), password: "whatever-it-is" }),
    );
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(JSON.parse(res.body)).toMatchObject({ status: 401, type: "/problems/invalid_credentials" });
    }
    expect(JSON.parse(wrong.body).detail).toBe(JSON.parse(unknown.body).detail);
  });

  it("asks for credentials when none are sent (400)", async () => {
    expect((await server.request("/auth/get_token", { method: "POST" })).status).toBe(400);
    expect((await server.request("/auth/get_token", json({ email: "a@b.c" }))).status).toBe(400);
    const badBasic = await server.request("/auth/get_token", {
      method: "POST",
      headers: { authorization: "Basic %%%" },
    });
    expect(badBasic.status).toBe(400);
  });

  it("shows the signed-in account at /users/info", async () => {
    const account = await registerAndSignIn(server, { name: "Info Person" });
    const res = await info(account.token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(account.user);
  });

  it("answers 401 with WWW-Authenticate: Bearer for a missing, garbage or unknown token", async () => {
    await expectUnauthenticated(await server.request("/users/info"));
    await expectUnauthenticated(
      await server.request("/users/info", { headers: { authorization: "Bearer" } }),
    );
    await expectUnauthenticated(
      await server.request("/users/info", { headers: { authorization: "Bearer not a token <script>" } }),
    );
    await expectUnauthenticated(
      await server.request("/users/info", { headers: { authorization: "Token abc" } }),
    );
    await expectUnauthenticated(await info("x".repeat(5_000)));
    await expectUnauthenticated(await info("a".repeat(40)));
  });

  it("answers 401 for an expired token", async () => {
    const account = await registerAndSignIn(server);
    await pool.query(sql.unsafe`
      UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE token_hash = ${sha256(account.token)}
    `);
    await expectUnauthenticated(await info(account.token));
  });

  it("refuses a token used without pause past its absolute end, SESSION_MAX_DAYS after sign-in", async () => {
    const account = await registerAndSignIn(server);
    // As if signed in SESSION_MAX_DAYS ago, less two seconds, and used ever since: the sliding end has
    // caught up with the absolute one.
    await pool.query(sql.unsafe`
      UPDATE sessions
      SET created_at = now() - ${server.config.SESSION_MAX_DAYS} * interval '1 day' + interval '2 seconds',
          absolute_expires_at = now() + interval '2 seconds',
          expires_at = now() + interval '2 seconds'
      WHERE token_hash = ${sha256(account.token)}
    `);
    expect((await info(account.token)).status).toBe(200);
    const ends = await pool.one(sql.type(z.object({ sliding: z.number(), absolute: z.number() }))`
      SELECT extract(epoch FROM expires_at - now())::float8 AS sliding,
        extract(epoch FROM absolute_expires_at - now())::float8 AS absolute
      FROM sessions WHERE token_hash = ${sha256(account.token)}
    `);
    // The use did not move the end a further SESSION_TTL_DAYS.
    expect(ends.sliding).toBeLessThanOrEqual(ends.absolute);
    expect(ends.absolute).toBeLessThan(3);
    expect(await eventually(async () => (await info(account.token)).status === 401, 10_000, 200)).toBe(true);
    await expectUnauthenticated(await info(account.token));
  });

  it("slides the expiry forward when a token is used", async () => {
    const account = await registerAndSignIn(server);
    await pool.query(sql.unsafe`
      UPDATE sessions SET expires_at = now() + interval '2 days' WHERE token_hash = ${sha256(account.token)}
    `);
    expect((await info(account.token)).status).toBe(200);
    const days = await pool.oneFirst(sql.type(z.object({ days: z.number() }))`
      SELECT extract(epoch FROM expires_at - now())::float8 / 86400 AS days
      FROM sessions WHERE token_hash = ${sha256(account.token)}
    `);
    expect(days).toBeGreaterThan(29.9);
  });

  it("logout (204) revokes only the token used; the account's other sessions keep working", async () => {
    const account = await registerAndSignIn(server);
    const phone = await signIn(server, account.email, account.password);
    const logout = await server.request("/auth/logout", { method: "PUT", headers: bearer(account.token) });
    expect(logout.status).toBe(204);
    expect(await logout.text()).toBe("");
    await expectUnauthenticated(await info(account.token));
    await expectUnauthenticated(
      await server.request("/auth/logout", { method: "PUT", headers: bearer(account.token) }),
    );
    expect((await info(phone)).status).toBe(200);
    // Revoked, or already deleted by a session purge of a suite running beside this one.
    const live = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT count(*)::int AS n FROM sessions WHERE token_hash = ${sha256(account.token)} AND revoked_at IS NULL
    `);
    expect(live).toBe(0);
  });

  it("logout without a valid token is 401", async () => {
    await expectUnauthenticated(await server.request("/auth/logout", { method: "PUT" }));
  });

  it("keeps no raw token and no plain password in the database", async () => {
    const password = `plain-${randomUUID()}`;
    const account = await registerAndSignIn(server, { password });
    const second = await signIn(server, account.email, password);
    const userRow = await pool.one(sql.type(z.object({ row: z.string(), passwordHash: z.string() }))`
      SELECT row_to_json(u)::text AS row, password_hash AS "passwordHash" FROM users u WHERE id = ${account.user.id}
    `);
    expect(userRow.row).not.toContain(password);
    expect(userRow.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const sessionRows = await pool.any(sql.type(z.object({ row: z.string(), tokenHash: z.string() }))`
      SELECT row_to_json(s)::text AS row, token_hash AS "tokenHash" FROM sessions s WHERE user_id = ${account.user.id}
    `);
    expect(sessionRows.map((r) => r.tokenHash).sort()).toEqual(
      [sha256(account.token), sha256(second)].sort(),
    );
    for (const { row } of sessionRows) {
      expect(row).not.toContain(account.token);
      expect(row).not.toContain(second);
    }
  });

  it("puts security headers on every answer, errors included: a locked-down CSP on the API, a document's on the docs", async () => {
    const api = [
      await server.request("/health"),
      await server.request("/users/info"),
      await server.request("/no/such/route"),
      await server.request("/static/defaults/doctor.svg"),
    ];
    const docs = [await server.request("/"), await server.request("/docs/init.js")];
    for (const res of [...api, ...docs]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("strict-transport-security")).toContain("max-age=");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("x-powered-by")).toBeNull();
    }
    for (const res of api) {
      // Nothing an API answer (or a picture opened on its own) could load or run.
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get("x-xss-protection")).toBeNull();
    }
    for (const res of docs) {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    }
  });

  it("answers every request with credentials Cache-Control: no-store, errors included; anonymous public reads keep theirs", async () => {
    const account = await registerAndSignIn(server);
    const token = bearer(account.token);
    const authenticated = [
      await info(account.token),
      await server.request("/auth/get_token", {
        method: "POST",
        headers: basic(account.email, account.password),
      }),
      await server.request("/auth/get_token", {
        method: "POST",
        headers: basic(account.email, "wrong-password"),
      }),
      await info("a".repeat(40)),
      await server.request("/doctors/add_slot", json({ day: "monday" }, token)),
      await server.request("/no/such/route", { headers: token }),
      await server.request("/misc/specializations", { headers: token }),
      // A public picture is cacheable for a day, but not in answer to a request with credentials.
      await server.request("/static/defaults/doctor.svg", { headers: token }),
    ];
    expect(authenticated.map((r) => r.status)).toEqual([200, 200, 401, 401, 403, 404, 200, 200]);
    for (const res of authenticated) expect(res.headers.get("cache-control"), res.url).toBe("no-store");

    const byJson = await server.request(
      "/auth/get_token",
      json({ email: account.email, password: account.password }),
    );
    expect(byJson.headers.get("cache-control")).toBe("no-store");

    expect((await server.request("/static/defaults/doctor.svg")).headers.get("cache-control")).toBe(
      "public, max-age=86400",
    );
    // A public read is revalidated by its ETag; other anonymous answers carry no caching header at all.
    expect((await server.request("/misc/specializations")).headers.get("cache-control")).toBe(
      "public, no-cache",
    );
    for (const path of ["/health", "/"]) {
      const res = await server.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control"), path).toBeNull();
    }
  });

  it("documents the account routes, with bearer security where a token is needed", async () => {
    const doc = (await (await server.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(doc.paths["/users/info"]?.get?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths["/auth/logout"]?.put?.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(doc.paths["/auth/get_token"]?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "400", "401", "429"]),
    );
    expect(Object.keys(doc.paths["/users/register"]?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(["201", "400", "409"]),
    );
    expect(doc.components.schemas).toHaveProperty("User");
    expect(doc.components.securitySchemes).toHaveProperty("basicAuth");
  });
});

describe("accounts: SESSION_MAX_DAYS shorter than SESSION_TTL_DAYS", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SESSION_TTL_DAYS: "30", SESSION_MAX_DAYS: "1" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers at sign-in an expires_at no later than the absolute end", async () => {
    const account = await registerAndSignIn(server);
    const res = await server.request(
      "/auth/get_token",
      json({ email: account.email, password: account.password }),
    );
    const { expires_at } = (await res.json()) as { expires_at: string };
    const days = (Date.parse(expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(0.99);
    expect(days).toBeLessThanOrEqual(1);
  });
});

describe("accounts: the workers delete ended sessions", () => {
  let server: TestServer;
  let pool: DatabasePool;
  let workers: { close(): Promise<void> } | undefined;
  beforeAll(async () => {
    server = await startTestServer();
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
  });
  afterAll(async () => {
    await workers?.close();
    await server?.close();
  });

  it("deletes expired and revoked sessions once started, and keeps the live ones", async () => {
    const account = await registerAndSignIn(server);
    const [idle, pastAbsolute, signedOut] = [
      await signIn(server, account.email, account.password),
      await signIn(server, account.email, account.password),
      await signIn(server, account.email, account.password),
    ];
    await pool.query(sql.unsafe`
      UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE token_hash = ${sha256(idle)}
    `);
    await pool.query(sql.unsafe`
      UPDATE sessions SET expires_at = now() - interval '1 minute', absolute_expires_at = now() - interval '1 minute'
      WHERE token_hash = ${sha256(pastAbsolute)}
    `);
    expect((await server.request("/auth/logout", { method: "PUT", headers: bearer(signedOut) })).status).toBe(
      204,
    );
    const stored = () =>
      pool.anyFirst(sql.type(z.object({ tokenHash: z.string() }))`
        SELECT token_hash AS "tokenHash" FROM sessions WHERE user_id = ${account.user.id}
      `);

    workers = startWorkers(server.runtime, { queueName: `session-purge-${Date.now()}` });
    expect(await eventually(async () => (await stored()).length === 1, 10_000, 50)).toBe(true);
    expect(await stored()).toEqual([sha256(account.token)]);
    expect((await server.request("/users/info", { headers: bearer(account.token) })).status).toBe(200);
  });
});

describe("accounts: CORS", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      CORS_ORIGINS: "https://app.doctorly.test, https://admin.doctorly.test",
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const preflight = (origin: string) =>
    server.request("/users/info", {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });

  it("allows the configured origins only", async () => {
    const allowed = await preflight("https://admin.doctorly.test");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://admin.doctorly.test");
    expect(allowed.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const other = await preflight("https://evil.example");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const simple = await server.request("/health", { headers: { origin: "https://app.doctorly.test" } });
    expect(simple.headers.get("access-control-allow-origin")).toBe("https://app.doctorly.test");
  });
});

describe("accounts: sign-in throttling", () => {
  const WINDOW_SECONDS = 3;
  const MAX_FAILURES = 10;
  const DAILY_FAILURES = 25;
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
      LOGIN_MAX_DAILY_FAILURES: String(DAILY_FAILURES),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  const attempt = (from: string, email: string, password: string, headers: Record<string, string> = {}) =>
    requestFrom(server, from, "/auth/get_token", json({ email, password }, headers));
  const statuses = (answers: Answer[]) => answers.map((a) => a.status).sort();

  it("counts parallel guesses before checking them: of 30 at once, at most 10 answer 401, the rest 429", async () => {
    const victim = await registerAndSignIn(server);
    const attacker = randomLoopback();
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => attempt(attacker, victim.email, "wrong-password")),
    );
    const unauthorized = answers.filter((a) => a.status === 401).length;
    expect(unauthorized).toBeLessThanOrEqual(MAX_FAILURES);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(30 - unauthorized);
    const refused = answers.find((a) => a.status === 429);
    expect(Number(refused?.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(refused?.headers["retry-after"])).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(refused?.headers["content-type"]).toContain("application/problem+json");
    // The attacker's client is refused for this email even with the right password ...
    expect((await attempt(attacker, victim.email, victim.password)).status).toBe(429);
    // ... and the owner, from anywhere else, signs in.
    expect((await attempt(randomLoopback(), victim.email, victim.password)).status).toBe(200);
  });

  it("checks at most 10 passwords when 24 wrong and the right one are sent together", async () => {
    const victim = await registerAndSignIn(server);
    const attacker = randomLoopback();
    const answers = await Promise.all([
      ...Array.from({ length: 24 }, () => attempt(attacker, victim.email, "wrong-password")),
      attempt(attacker, victim.email, victim.password),
    ]);
    const checked = answers.filter((a) => a.status === 401 || a.status === 200);
    expect(checked.length).toBeLessThanOrEqual(MAX_FAILURES);
    expect(statuses(answers).filter((s) => s !== 401 && s !== 200 && s !== 429)).toEqual([]);
  });

  it("lets the client in again once the window has passed, and forgets the pair after a success", async () => {
    const account = await registerAndSignIn(server);
    const from = randomLoopback();
    for (let i = 0; i < MAX_FAILURES - 1; i++) await attempt(from, account.email, "wrong-password");
    expect((await attempt(from, account.email, account.password)).status).toBe(200);
    for (let i = 0; i < MAX_FAILURES; i++) await attempt(from, account.email, "wrong-password");
    expect((await attempt(from, account.email, account.password)).status).toBe(429);
    const released = await eventually(
      async () => (await attempt(from, account.email, account.password)).status === 200,
      (WINDOW_SECONDS + 2) * 1000,
      250,
    );
    expect(released).toBe(true);
  });

  it("refuses a client that fails across many emails, for every email, and only that client", async () => {
    const account = await registerAndSignIn(server);
    const guesser = randomLoopback();
    for (let i = 0; i < DAILY_FAILURES; i++) {
      expect((await attempt(guesser, uniqueEmail("guess"), "wrong-password")).status).toBe(401);
    }
    const blocked = await attempt(guesser, account.email, account.password);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(WINDOW_SECONDS);
    expect((await attempt(randomLoopback(), account.email, account.password)).status).toBe(200);
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy (a forged header buys no fresh count)", async () => {
    const victim = await registerAndSignIn(server);
    const attacker = randomLoopback();
    for (let i = 0; i < MAX_FAILURES; i++) {
      await attempt(attacker, victim.email, "wrong-password", { "x-forwarded-for": `198.51.100.${i + 1}` });
    }
    const forged = await attempt(attacker, victim.email, "wrong-password", {
      "x-forwarded-for": "198.51.100.200",
    });
    expect(forged.status).toBe(429);
  });
});

describe("accounts: sign-in behind a trusted proxy", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Every loopback address is "the load balancer": the client is the address it forwards.
    server = await startTestServer({ TRUSTED_PROXIES: "127.0.0.0/8", LOGIN_MAX_FAILURES: "5" });
  });
  afterAll(async () => {
    await server?.close();
  });

  const through = (client: string, email: string, password: string) =>
    requestFrom(
      server,
      "127.0.0.1",
      "/auth/get_token",
      json({ email, password }, { "x-forwarded-for": client }),
    );

  it("counts each forwarded client apart, so one client's failures never lock out the others behind the proxy", async () => {
    const victim = await registerAndSignIn(server);
    const attacker = `203.0.113.${2 + Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 5; i++)
      expect((await through(attacker, victim.email, "wrong-password")).status).toBe(401);
    expect((await through(attacker, victim.email, victim.password)).status).toBe(429);
    expect((await through("198.51.100.9", victim.email, victim.password)).status).toBe(200);
  });

  it("groups IPv6 clients by /64: rotating addresses inside one /64 buys no fresh count", async () => {
    const victim = await registerAndSignIn(server);
    const net = `2001:db8:${Math.floor(Math.random() * 65535).toString(16)}:1`;
    for (let i = 0; i < 5; i++)
      await through(`${net}::${(i + 1).toString(16)}`, victim.email, "wrong-password");
    expect((await through(`${net}::ffff`, victim.email, victim.password)).status).toBe(429);
    expect((await through("2001:db8:ffff:2::1", victim.email, victim.password)).status).toBe(200);
  });
});

describe("accounts: sign-in without Redis", () => {
  let server: TestServer;
  let helper: TestServer;
  beforeAll(async () => {
    helper = await startTestServer();
    // Nothing listens on port 1: the limiter's store is gone, each process must count in memory.
    server = await startTestServer({ REDIS_URL: "redis://127.0.0.1:1", LOGIN_MAX_FAILURES: "3" });
  });
  afterAll(async () => {
    await server?.close();
    await helper?.close();
  });

  it("still signs in and out, and still refuses repeated failures (never fails open, no 500)", async () => {
    const account = await registerAndSignIn(helper);
    const res = await server.request(
      "/auth/get_token",
      json({ email: account.email, password: account.password }),
    );
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    expect((await server.request("/users/info", { headers: bearer(token) })).status).toBe(200);
    expect((await server.request("/auth/logout", { method: "PUT", headers: bearer(token) })).status).toBe(
      204,
    );
    const from = randomLoopback();
    const wrong = [];
    for (let i = 0; i < 4; i++) wrong.push((await attempt(from, account.email, "wrong-password")).status);
    expect(wrong).toEqual([401, 401, 401, 429]);
    expect((await attempt(from, account.email, account.password)).status).toBe(429);
  });

  const attempt = (from: string, email: string, password: string) =>
    requestFrom(server, from, "/auth/get_token", json({ email, password }));
});

describe("accounts: registration limit", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ REGISTRATIONS_PER_HOUR: "3" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("refuses a client's registrations past the hourly limit with 429 and Retry-After, user and doctor alike", async () => {
    const from = randomLoopback();
    const user = () =>
      requestFrom(
        server,
        from,
        "/users/register",
        json({ name: "Limit", email: uniqueEmail("limit"), password: "a long enough passphrase" }),
      );
    expect((await user()).status).toBe(201);
    expect((await user()).status).toBe(201);
    const doctor = await requestFrom(
      server,
      from,
      "/doctors/new",
      json({
        name: "Dr Limit",
        email: uniqueEmail("limit-doc"),
        password: "a long enough passphrase",
        description: "x",
      }),
    );
    expect(doctor.status).toBe(201);
    const refused = await user();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(3600);
    expect(JSON.parse(refused.body)).toMatchObject({ status: 429 });
    const elsewhere = await requestFrom(
      server,
      randomLoopback(),
      "/users/register",
      json({ name: "Other", email: uniqueEmail("limit"), password: "a long enough passphrase" }),
    );
    expect(elsewhere.status).toBe(201);
  });
});

describe("accounts: npm run admin:create", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const cliEnv = {
    ...process.env,
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    LOG_LEVEL: "warn",
  };
  const adminCreate = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run("npx", ["tsx", "src/cli.ts", "admin:create", ...args], {
        cwd: projectRoot,
        env: cliEnv,
      });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, output: e.stdout + e.stderr };
    }
  };
  /** The same command with `input` written to its standard input, as `printf … | npm run …` does. */
  const adminCreateWithInput = (input: string, ...args: string[]) =>
    new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn("npx", ["tsx", "src/cli.ts", "admin:create", ...args], {
        cwd: projectRoot,
        env: cliEnv,
      });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d));
      child.stderr.on("data", (d: Buffer) => (output += d));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, output }));
      child.stdin.end(input);
    });

  it("takes the password on standard input, so that it shows in no process list", {
    timeout: 60_000,
  }, async () => {
    const email = uniqueEmail("admin");
    const password = `admin stdin ${randomUUID()}`;
    const created = await adminCreateWithInput(`${password}\n`, "--email", email, "--password-stdin");
    expect(created).toMatchObject({ code: 0 });
    expect(created.output).toContain(`created admin ${email}`);
    expect(created.output).not.toContain(password);
    // The line break `echo` adds is not part of the password.
    const token = await signIn(server, email, password);
    const me = await server.request("/users/info", { headers: bearer(token) });
    expect(await me.json()).toMatchObject({ email, role: "admin" });

    const empty = await adminCreateWithInput("", "--email", uniqueEmail("admin"), "--password-stdin");
    expect(empty.code).toBe(1);
    expect(empty.output).toContain("--password-stdin");
  });

  it("creates an admin once, is idempotent, and the admin can sign in", { timeout: 60_000 }, async () => {
    const email = uniqueEmail("admin");
    const password = `admin-${randomUUID()}`;
    const first = await adminCreate("--email", email.toUpperCase(), "--password", password, "--name", "Root");
    expect(first).toMatchObject({ code: 0 });
    expect(first.output).toContain(`created admin ${email}`);
    expect(first.output).not.toContain(password);

    const second = await adminCreate("--email", email, "--password", "some-other-password");
    expect(second).toMatchObject({ code: 0 });
    expect(second.output).toContain("already an admin");

    // The second run changed nothing: the first password still works.
    const token = await signIn(server, email, password);
    const me = await server.request("/users/info", { headers: bearer(token) });
    expect(await me.json()).toMatchObject({ email, role: "admin", name: "Root" });
  });

  it("refuses to turn an existing ordinary account into an admin (exit 1)", { timeout: 60_000 }, async () => {
    const account = await registerAndSignIn(server);
    const result = await adminCreate("--email", account.email, "--password", "new-admin-password");
    expect(result.code).toBe(1);
    expect(result.output).toContain("never made an admin");
    const me = await server.request("/users/info", { headers: bearer(account.token) });
    expect(((await me.json()) as UserJson).role).toBe("user");
  });

  it("explains its usage when an option is missing (exit 1)", { timeout: 60_000 }, async () => {
    const result = await adminCreate("--email", uniqueEmail("admin"));
    expect(result.code).toBe(1);
    expect(result.output).toContain("--password");
  });
});
