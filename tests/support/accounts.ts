import { randomUUID } from "node:crypto";
import { createLogger } from "../../src/adapters/logging/logger.pino.js";
import { CreateAdmin } from "../../src/application/commands/accounts/create-admin.js";
import { compose } from "../../src/container.js";
import { testConfig } from "./env.js";
import { randomLoopback, rawRequest } from "./raw-http.js";
import { json, type TestServer } from "./server.js";

/** The User shape of API.md, as the API answers it. */
export interface UserJson {
  id: number;
  name: string;
  email: string;
  role: "user" | "doctor" | "admin";
  registered_at: string;
  confirmed: boolean;
}

export interface SignedInAccount {
  readonly token: string;
  readonly user: UserJson;
  /** As stored: trimmed and lower-cased. */
  readonly email: string;
  readonly password: string;
}

export interface AccountOverrides {
  name?: string;
  email?: string;
  password?: string;
}

/** A fresh address each call: tests share one database with other test files running at the same time. */
export const uniqueEmail = (label = "user"): string => `${label}-${randomUUID()}@example.test`;

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

async function expectStatus(res: Response, status: number, what: string): Promise<void> {
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status}: ${await res.text()}`);
}

/**
 * POST /auth/get_token with a JSON body; returns the token. Sent from a random loopback address, so
 * that the per-address sign-in limit (shared in Redis by every test running at the same time) is never
 * tripped by other tests' deliberate failures.
 */
export async function signIn(
  server: Pick<TestServer, "baseUrl">,
  email: string,
  password: string,
): Promise<string> {
  const res = await rawRequest(server.baseUrl, {
    method: "POST",
    path: "/auth/get_token",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
    localAddress: randomLoopback(),
  });
  if (res.status !== 200)
    throw new Error(`sign-in of ${email}: expected 200, got ${res.status}: ${res.body}`);
  return (JSON.parse(res.body) as { token: string }).token;
}

/** Registers a new `user` account over HTTP and signs it in. */
export async function registerAndSignIn(
  server: TestServer,
  overrides: AccountOverrides = {},
): Promise<SignedInAccount> {
  const password = overrides.password ?? `pw-${randomUUID()}`;
  const body = { name: overrides.name ?? "Test User", email: overrides.email ?? uniqueEmail(), password };
  const res = await server.request("/users/register", json(body));
  await expectStatus(res, 201, "registration");
  const user = (await res.json()) as UserJson;
  return { token: await signIn(server, user.email, password), user, email: user.email, password };
}

/** An admin made the only way admins are made (the admin:create code path), signed in over HTTP. */
export async function createAdmin(
  server: TestServer,
  overrides: AccountOverrides = {},
): Promise<SignedInAccount> {
  const email = (overrides.email ?? uniqueEmail("admin")).trim().toLowerCase();
  const password = overrides.password ?? `pw-${randomUUID()}`;
  const created = await server.runtime.container
    .get(CreateAdmin)
    .execute({ email, password, name: overrides.name ?? "Test Admin" });
  if (!created.ok) throw new Error(`admin:create failed: ${created.error.detail}`);
  const token = await signIn(server, email, password);
  const info = await server.request("/users/info", { headers: bearer(token) });
  await expectStatus(info, 200, "admin /users/info");
  return { token, user: (await info.json()) as UserJson, email, password };
}

/**
 * An admin made the only way admins are made (the admin:create code path, against the test database),
 * signed in at `baseUrl`: for API processes spawned on their own, whose container the test cannot reach.
 */
export async function createAdminAt(baseUrl: string): Promise<string> {
  const email = uniqueEmail("admin");
  const password = `pw-${randomUUID()}`;
  const runtime = await compose(testConfig(), createLogger("silent"));
  try {
    const created = await runtime.container.get(CreateAdmin).execute({ email, password, name: "Test Admin" });
    if (!created.ok) throw new Error(`admin:create failed: ${created.error.detail}`);
  } finally {
    await runtime.close();
  }
  return signIn({ baseUrl }, email, password);
}

/** POST /admin/doctors/{id}/verify at `baseUrl`, as the admin whose token is given: patients see the doctor. */
export async function verifyDoctorAt(baseUrl: string, adminToken: string, doctorId: number): Promise<void> {
  const res = await rawRequest(baseUrl, {
    method: "POST",
    path: `/admin/doctors/${doctorId}/verify`,
    headers: bearer(adminToken),
  });
  if (res.status !== 200) throw new Error(`verifying doctor ${doctorId}: ${res.status} ${res.body}`);
}
