import type { Redis } from "ioredis";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PG_POOL, REDIS, startWorkers } from "../../src/container.js";
import { registerAndSignIn, signIn, uniqueEmail } from "../support/accounts.js";
import { addSlot, auth, get, newDoctor, newPatient, post } from "../support/booking.js";
import { eventually } from "../support/eventually.js";
import { nextWeekday, uniqueWord } from "../support/fixtures.js";
import { json, startTestServer, type TestServer } from "../support/server.js";

describe("DELETE /users/info: the right to erasure", () => {
  let server: TestServer;
  let pool: DatabasePool;
  let workers: { close(): Promise<void> };
  beforeAll(async () => {
    server = await startTestServer();
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    workers = startWorkers(server.runtime, { queueName: `erasure-${Date.now()}` });
  });
  afterAll(async () => {
    await workers.close();
    await server.close();
  });

  /** Tables with a row, and Redis keys with a value, holding `text` anywhere (case-insensitive). */
  const traces = async (text: string) => {
    const tables = await pool.anyFirst(sql.type(z.object({ t: z.string() }))`
      SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'
    `);
    const found: string[] = [];
    for (const table of tables) {
      const n = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM ${sql.identifier([table])} x WHERE x::text ILIKE ${`%${text}%`}
      `);
      if (n > 0) found.push(`table ${table}`);
    }
    const redis = server.runtime.container.get<Redis>(REDIS);
    for await (const keys of redis.scanStream({ count: 500 }) as AsyncIterable<string[]>) {
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === "string"
            ? await redis.get(key)
            : type === "hash"
              ? JSON.stringify(await redis.hgetall(key))
              : "";
        if (value?.toLowerCase().includes(text.toLowerCase())) found.push(`redis ${key}`);
      }
    }
    return found;
  };
  const erase = (token: string, password: string) =>
    server.request("/users/info", {
      method: "DELETE",
      headers: auth(token, { "content-type": "application/json" }),
      body: JSON.stringify({ password }),
    });
  const book = async (token: string, slotId: number, patientId: number, date: string) => {
    const res = await post(server, "/patient/new_appointment", token, {
      slot_id: slotId,
      patient_id: patientId,
      date,
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: number };
  };
  const kinds = async (token: string) =>
    (
      (await (await get(server, "/users/notifications", token)).json()) as {
        data: { kind: string; text: string }[];
      }
    ).data;

  it("erases an account: patients deleted with their seats handed on, sessions revoked, email free, past visits kept", async () => {
    const password = "erase me completely";
    const email = uniqueEmail("erase");
    const accountName = `Erin ${uniqueWord("E")}`;
    const childName = `Child ${uniqueWord("E")}`;
    const account = await registerAndSignIn(server, { email, password, name: accountName });
    const other = await registerAndSignIn(server);
    const dr = await newDoctor(server);
    const slot = await addSlot(server, dr.token, { day: "tuesday", start: "09:00", num_slots: 1 });
    const date = nextWeekday("tuesday");
    const [mine, theirs] = [
      await newPatient(server, account.token, childName),
      await newPatient(server, other.token),
    ];
    const held = await book(account.token, slot.id, mine.id, date);
    expect(
      (
        await post(server, "/patient/waitlist", other.token, {
          slot_id: slot.id,
          patient_id: theirs.id,
          date,
        })
      ).status,
    ).toBe(201);
    // A past visit of the patient, fulfilled, in a sitting two weeks ago.
    await pool.query(sql.unsafe`
      INSERT INTO appointments (patient_id, slot_id, doctor_id, sitting_date, seat, capacity, status)
      VALUES (${mine.id}, ${slot.id}, ${dr.id}, current_date - 14, 1, 1, 'fulfilled')
    `);
    const patientsBefore = (
      (await (await get(server, `/doctors/get/${dr.id}`)).json()) as { no_of_patients: number }
    ).no_of_patients;

    const wrong = await erase(account.token, "not the password");
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { type: string }).type).toBe("/problems/wrong_password");
    expect((await get(server, "/users/info", account.token)).status).toBe(200);

    expect((await erase(account.token, password)).status).toBe(204);
    expect((await get(server, "/users/info", account.token)).status).toBe(401);
    const signInAgain = await server.request("/auth/get_token", json({ email, password }));
    expect(signInAgain.status).toBe(401);

    // The seat went to the one waiting; the erased patient's appointment was cancelled by its owner.
    expect((await kinds(other.token)).map((n) => n.kind)).toContain("moved_from_waitlist");
    const rows = await pool.any(sql.type(
      z.object({ status: z.string(), cancelledBy: z.string().nullable() }),
    )`
      SELECT status, cancelled_by AS "cancelledBy" FROM appointments WHERE id = ${held.id}
    `);
    expect(rows).toEqual([{ status: "cancelled", cancelledBy: "patient" }]);
    const erased = await pool.one(sql.type(z.object({ name: z.string(), symptoms: z.string().nullable() }))`
      SELECT name, symptoms FROM patients WHERE id = ${mine.id}
    `);
    expect(erased).toEqual({ name: "Deleted patient", symptoms: null });
    const user = await pool.one(sql.type(
      z.object({ name: z.string(), email: z.string(), notes: z.number() }),
    )`
      SELECT name, email, (SELECT count(*)::int FROM notifications WHERE user_id = u.id) AS notes
      FROM users u WHERE id = ${account.user.id}
    `);
    expect(user.name).toBe("Deleted account");
    expect(user.email).not.toContain(email.split("@")[0] as string);
    expect(user.notes).toBe(0);
    // The past visit still counts for the doctor, beside the patient who got the seat.
    expect(
      ((await (await get(server, `/doctors/get/${dr.id}`)).json()) as { no_of_patients: number })
        .no_of_patients,
    ).toBe(patientsBefore + 1);

    // No row and no cache entry holds the erased names or the email any more.
    for (const text of [accountName, childName, email]) expect(await traces(text)).toEqual([]);

    // The email can register again, as a new account.
    const again = await server.request("/users/register", json({ name: "Again", email, password }));
    expect(again.status).toBe(201);
    expect(await signIn(server, email, password)).toEqual(expect.any(String));
  });

  it("erases a doctor: upcoming sittings closed first with the patients told, then gone from every public read", async () => {
    const surname = uniqueWord("E");
    const password = "a long enough password";
    const dr = await newDoctor(server, { name: `Leaving ${surname}` });
    const slot = await addSlot(server, dr.token, { day: "wednesday", start: "10:00" });
    const patientOwner = await registerAndSignIn(server);
    const p = await newPatient(server, patientOwner.token);
    const made = await book(patientOwner.token, slot.id, p.id, nextWeekday("wednesday"));
    const inSearch = async () =>
      (
        (await (await get(server, `/misc/doctors/search?q=${surname}`)).json()) as { data: { id: number }[] }
      ).data.some((d) => d.id === dr.id);
    expect(await eventually(inSearch, 3_000, 50)).toBe(true);

    // A reminder it was named in, as the workers write them.
    await pool.query(sql.unsafe`
      INSERT INTO notifications (user_id, kind, text, appointment_id)
      VALUES (${patientOwner.user.id}, 'reminder_24h', ${`Reminder: P sees Leaving ${surname} tomorrow.`}, ${made.id})
    `);
    expect((await erase(dr.token, password)).status).toBe(204);
    expect(await eventually(async () => (await traces(surname)).length === 0, 3_000, 100)).toBe(true);
    const appointment = (await (
      await get(server, `/patient/appointment/${made.id}`, patientOwner.token)
    ).json()) as {
      status: string;
      cancelled_by: string;
      cancellation_reason: string;
    };
    expect(appointment).toMatchObject({ status: "cancelled", cancelled_by: "doctor" });
    expect(appointment.cancellation_reason).toContain("left");
    expect((await kinds(patientOwner.token)).some((n) => n.kind === "sitting_closed")).toBe(true);
    expect((await get(server, `/doctors/get/${dr.id}`)).status).toBe(404);
    expect((await get(server, `/doctors/timings/${dr.id}`)).status).toBe(404);
    const booking = await post(server, "/patient/new_appointment", patientOwner.token, {
      slot_id: slot.id,
      patient_id: p.id,
    });
    expect(booking.status).toBe(404);
    expect(await eventually(async () => !(await inSearch()), 3_000, 50)).toBe(true);
  });

  it("refuses a body without the password (400) and an anonymous caller (401)", async () => {
    const account = await registerAndSignIn(server);
    const noBody = await server.request("/users/info", {
      method: "DELETE",
      headers: auth(account.token, { "content-type": "application/json" }),
      body: "{}",
    });
    expect(noBody.status).toBe(400);
    expect(
      (
        await server.request("/users/info", {
          method: "DELETE",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ password: "x" }),
        })
      ).status,
    ).toBe(401);
  });
});
