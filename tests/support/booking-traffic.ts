/** Booking load over HTTP and the database check after it, for race, fault and soak tests. */
import { randomUUID } from "node:crypto";
import { type DatabasePool, sql } from "slonik";
import { z } from "zod";
import { createAdminAt, verifyDoctorAt } from "./accounts.js";
import { rawRequest } from "./raw-http.js";

/** Runs `fire` at a steady rate until `stop()`; resolves every fired promise on `drain()`. */
export function steady(ratePerSecond: number, fire: (n: number) => Promise<void>) {
  const pending = new Set<Promise<void>>();
  let n = 0;
  const timer = setInterval(() => {
    const p = fire(n++).finally(() => pending.delete(p));
    pending.add(p);
  }, 1000 / ratePerSecond);
  return {
    get fired() {
      return n;
    },
    async drain() {
      clearInterval(timer);
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

const appointmentRow = z.object({
  id: z.number(),
  patient_id: z.number(),
  slot_id: z.number(),
  sitting_date: z.string(),
  seat: z.number(),
  status: z.string(),
});

/**
 * What the database holds for a set of bookings: every answered 201 must exist once, no patient holds
 * two live places in one sitting, and no seat of the given slots is held twice.
 */
export async function bookingIntegrity(
  pool: DatabasePool,
  answered: readonly number[],
  slotIds: readonly number[],
): Promise<{ missing: number[]; duplicatedSeats: string[]; duplicatedPatients: string[] }> {
  const rows = await pool.any(sql.type(appointmentRow)`
    SELECT id, patient_id, slot_id, sitting_date::text AS sitting_date, seat, status
    FROM appointments WHERE slot_id = ANY(${sql.array([...slotIds], "int4")})`);
  const ids = new Set(rows.map((r) => r.id));
  const live = rows.filter((r) => r.status !== "cancelled");
  const dupes = (key: (r: (typeof rows)[number]) => string) => {
    const seen = new Map<string, number>();
    for (const r of live) seen.set(key(r), (seen.get(key(r)) ?? 0) + 1);
    return [...seen].filter(([, count]) => count > 1).map(([k, count]) => `${k} ×${count}`);
  };
  return {
    missing: answered.filter((id) => !ids.has(id)),
    duplicatedSeats: dupes((r) => `slot ${r.slot_id} ${r.sitting_date} seat ${r.seat}`),
    duplicatedPatients: dupes((r) => `slot ${r.slot_id} ${r.sitting_date} patient ${r.patient_id}`),
  };
}

/** JSON calls against any running API (in-process test server or spawned process). */
export function apiAt(baseUrl: string) {
  const call = (
    method: string,
    path: string,
    token?: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    rawRequest(baseUrl, {
      method,
      path,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  return {
    get: (path: string, token?: string) => call("GET", path, token),
    post: (path: string, token: string | undefined, body?: unknown, headers?: Record<string, string>) =>
      call("POST", path, token, body, headers),
  };
}

export interface BookingScene {
  readonly userToken: string;
  readonly doctorToken: string;
  readonly doctorId: number;
  readonly slotIds: readonly number[];
}

/** A verified doctor with roomy slots on every weekday and a user to book them, made over the API. */
export async function bookingScene(baseUrl: string, label: string): Promise<BookingScene> {
  const api = apiAt(baseUrl);
  const expect2xx = (a: { status: number; body: string }, what: string) => {
    if (a.status >= 300) throw new Error(`${what}: ${a.status} ${a.body}`);
    return JSON.parse(a.body) as Record<string, unknown>;
  };
  const password = "a long enough password";
  const doctorEmail = `${label}-dr-${randomUUID()}@example.test`;
  const doctor = expect2xx(
    await api.post("/doctors/new", undefined, {
      name: `${label} Doctor`,
      email: doctorEmail,
      password,
      description: "GP",
    }),
    "doctor",
  );
  await verifyDoctorAt(baseUrl, await createAdminAt(baseUrl), doctor.id as number);
  const userEmail = `${label}-user-${randomUUID()}@example.test`;
  expect2xx(
    await api.post("/users/register", undefined, { name: `${label} User`, email: userEmail, password }),
    "user",
  );
  const token = async (email: string) =>
    expect2xx(await api.post("/auth/get_token", undefined, { email, password }), "sign-in").token as string;
  const [doctorToken, userToken] = [await token(doctorEmail), await token(userEmail)];
  // A booking without a date takes the next sitting that has not started: it must not start while a
  // test runs (its cancels would then be refused), so it starts at least an hour from now (UTC, the
  // doctor's zone). 200 seats of 5 minutes end by 23:40 from 07:00.
  const start = new Date().getUTCHours() === 6 ? "00:00" : "07:00";
  const slotIds: number[] = [];
  for (const day of ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]) {
    const slot = expect2xx(
      await api.post("/doctors/add_slot", doctorToken, {
        day,
        start,
        appointment_duration: 5,
        num_slots: 200,
        consultation_fee: 500,
      }),
      "slot",
    );
    slotIds.push(slot.id as number);
  }
  return { userToken, doctorToken, doctorId: doctor.id as number, slotIds };
}

/** One booking: a new patient, then a place for it (with an Idempotency-Key); the appointment id on 201. */
export async function bookOnce(
  baseUrl: string,
  scene: BookingScene,
  n: number,
): Promise<{ statuses: number[]; appointmentId: number | null }> {
  const api = apiAt(baseUrl);
  const patient = await api.post("/patient/new", scene.userToken, {
    name: `Load ${n}`,
    age: 30,
    gender: "other",
  });
  if (patient.status !== 201) return { statuses: [patient.status], appointmentId: null };
  const slotId = scene.slotIds[n % scene.slotIds.length];
  const booked = await api.post(
    "/patient/new_appointment",
    scene.userToken,
    { slot_id: slotId, patient_id: (JSON.parse(patient.body) as { id: number }).id },
    { "idempotency-key": `load-${randomUUID()}` },
  );
  return {
    statuses: [patient.status, booked.status],
    appointmentId: booked.status === 201 ? (JSON.parse(booked.body) as { id: number }).id : null,
  };
}
