import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminAt, verifyDoctorAt } from "../../support/accounts.js";
import { apiAt } from "../../support/booking-traffic.js";
import { type SpawnedApi, spawnApi } from "../../support/processes.js";

describe("logs carry no secret and no personal data beyond ids", () => {
  let api: SpawnedApi;
  beforeAll(async () => {
    api = await spawnApi({ LOG_LEVEL: "debug" });
  });
  afterAll(async () => {
    await api?.stop("SIGTERM");
  });

  it("never writes a password, token, email or name it was given, even at debug level", async () => {
    const http = apiAt(api.baseUrl);
    const tag = randomUUID().slice(0, 8);
    const secrets = {
      userName: `Zainab Qureshi ${tag}`,
      email: `zainab.${tag}@example.test`,
      password: `s3cret-Pass-${tag}`,
      wrongPassword: `wrong-Pass-${tag}`,
      doctorEmail: `dr.${tag}@example.test`,
      doctorPassword: `dr-s3cret-${tag}`,
      patientName: `Hamza Qureshi ${tag}`,
      symptoms: `migraine since ${tag}`,
    };
    const registered = await http.post("/users/register", undefined, {
      name: secrets.userName,
      email: secrets.email,
      password: secrets.password,
    });
    expect(registered.status).toBe(201);
    expect(
      (
        await http.post("/users/register", undefined, {
          ...JSON.parse("{}"),
          email: secrets.email,
          password: secrets.password,
          name: "x",
        })
      ).status,
    ).toBe(409);
    const wrong = await http.post("/auth/get_token", undefined, {
      email: secrets.email,
      password: secrets.wrongPassword,
    });
    expect(wrong.status).toBe(401);
    const basic = Buffer.from(`${secrets.email}:${secrets.wrongPassword}`).toString("base64");
    const wrongBasic = await http.post("/auth/get_token", undefined, undefined, {
      authorization: `Basic ${basic}`,
    });
    expect(wrongBasic.status).toBe(401);
    const signedIn = await http.post("/auth/get_token", undefined, {
      email: secrets.email,
      password: secrets.password,
    });
    expect(signedIn.status).toBe(200);
    const token = (JSON.parse(signedIn.body) as { token: string }).token;

    const doctor = await http.post("/doctors/new", undefined, {
      name: "Dr Log Test",
      email: secrets.doctorEmail,
      password: secrets.doctorPassword,
      description: "GP",
    });
    expect(doctor.status).toBe(201);
    const adminToken = await createAdminAt(api.baseUrl);
    await verifyDoctorAt(api.baseUrl, adminToken, (JSON.parse(doctor.body) as { id: number }).id);
    const doctorToken = (
      JSON.parse(
        (
          await http.post("/auth/get_token", undefined, {
            email: secrets.doctorEmail,
            password: secrets.doctorPassword,
          })
        ).body,
      ) as { token: string }
    ).token;
    const slot = await http.post("/doctors/add_slot", doctorToken, {
      day: "wednesday",
      start: "10:00",
      appointment_duration: 10,
      num_slots: 3,
      consultation_fee: 100,
    });
    expect(slot.status).toBe(201);
    const patient = await http.post("/patient/new", token, {
      name: secrets.patientName,
      age: 9,
      gender: "male",
      symptoms: secrets.symptoms,
    });
    expect(patient.status).toBe(201);
    const booked = await http.post("/patient/new_appointment", token, {
      slot_id: (JSON.parse(slot.body) as { id: number }).id,
      patient_id: (JSON.parse(patient.body) as { id: number }).id,
    });
    expect(booked.status).toBe(201);
    // A bad token and a bad body are logged as refused requests, not echoed.
    expect((await http.get("/users/info", `${token}x`)).status).toBe(401);
    expect(
      (await http.post("/patient/new", token, { name: secrets.patientName, age: "nine", gender: "male" }))
        .status,
    ).toBe(400);
    expect((await http.post("/auth/logout", token)).status).toBeGreaterThanOrEqual(400); // PUT only
    expect((await http.get("/users/info", token)).status).toBe(200);

    await api.stop("SIGTERM");
    const output = api.output();
    expect(output).toContain('"msg":"request"');
    // The audit trail of guessing: each failed sign-in, with the account and the client, not the email.
    const failures = output.split("\n").filter((line) => line.includes('"msg":"sign-in failed"'));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    for (const line of failures)
      expect(JSON.parse(line)).toMatchObject({ userId: expect.any(Number), client: expect.any(String) });
    const found = [
      ...Object.entries(secrets),
      ["token", token],
      ["doctorToken", doctorToken],
      ["adminToken", adminToken],
    ].filter(([, value]) => value !== undefined && output.includes(value as string));
    expect(found.map(([name]) => name)).toEqual([]);
    // Nor any Authorization header in any form.
    expect(output).not.toMatch(/Bearer [A-Za-z0-9]|Basic [A-Za-z0-9+/=]{8}|password_hash|\$argon2/);
  }, 60_000);
});
