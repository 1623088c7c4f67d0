import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { createAdmin, registerAndSignIn, signIn, verifyDoctorAt } from "./accounts.js";
import { json, type TestServer } from "./server.js";

export const auth = (token: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  ...extra,
});

export interface SignedInDoctor {
  readonly id: number;
  readonly token: string;
  readonly email: string;
}

const admins = new WeakMap<TestServer, Promise<string>>();

/** The token of an admin of this server, made once per server (the admin:create code path). */
export function adminOf(server: TestServer): Promise<string> {
  let token = admins.get(server);
  if (!token) {
    token = createAdmin(server).then((a) => a.token);
    admins.set(server, token);
  }
  return token;
}

/** An admin verifies the doctor, as POST /admin/doctors/{id}/verify: patients see it and can book it. */
export async function verifyDoctor(server: TestServer, doctorId: number): Promise<void> {
  await verifyDoctorAt(server.baseUrl, await adminOf(server), doctorId);
}

/**
 * A doctor registered through the API and signed in, verified by an admin (the way every doctor that
 * patients see gets there) unless `verified: false` asks for one still waiting.
 */
export async function newDoctor(
  server: TestServer,
  body: { name?: string; timezone?: string; description?: string; verified?: boolean } = {},
): Promise<SignedInDoctor> {
  const email = `dr-${randomUUID()}@example.test`;
  const password = "a long enough password";
  const res = await server.request(
    "/doctors/new",
    json({
      name: body.name ?? "Doctor Test",
      email,
      password,
      description: body.description ?? "GP",
      timezone: body.timezone,
    }),
  );
  expect(res.status).toBe(201);
  const doctor = (await res.json()) as { id: number; verified: boolean };
  expect(doctor.verified).toBe(false);
  if (body.verified ?? true) await verifyDoctor(server, doctor.id);
  return { id: doctor.id, token: await signIn(server, email, password), email };
}

export async function post(server: TestServer, path: string, token: string, body: unknown, headers = {}) {
  return server.request(path, json(body, auth(token, headers)));
}

export async function get(server: TestServer, path: string, token?: string) {
  return server.request(path, token ? { headers: auth(token) } : {});
}

export async function addSlot(
  server: TestServer,
  token: string,
  slot: {
    day: string;
    start: string;
    appointment_duration?: number;
    num_slots?: number;
    consultation_fee?: number;
  },
) {
  const res = await post(server, "/doctors/add_slot", token, {
    appointment_duration: 15,
    num_slots: 5,
    consultation_fee: 1000,
    ...slot,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: number };
}

export async function newPatient(server: TestServer, token: string, name = "Patient Test") {
  const res = await post(server, "/patient/new", token, { name, age: 30, gender: "female" });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: number };
}

/**
 * `count` patients spread over new accounts, `perAccount` each, with their owners' tokens: one account
 * may hold only a few places in a sitting (MAX_SEATS_PER_SITTING_PER_ACCOUNT) and a few patients.
 */
export async function patientsOfAccounts(
  server: TestServer,
  count: number,
  perAccount = 2,
): Promise<{ id: number; token: string }[]> {
  const owners = await Promise.all(
    Array.from({ length: Math.ceil(count / perAccount) }, () => registerAndSignIn(server)),
  );
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const token = (owners[Math.floor(i / perAccount)] as { token: string }).token;
      return { id: (await newPatient(server, token)).id, token };
    }),
  );
}
