import createClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { paths } from "../../client/doctorly-api.js";
import { startWorkers } from "../../src/container.js";
import { bearer } from "../support/accounts.js";
import { addSlot, newDoctor } from "../support/booking.js";
import { eventually } from "../support/eventually.js";
import { startTestServer, type TestServer } from "../support/server.js";

describe("a frontend on the typed client (openapi-fetch + the checked-in types)", () => {
  let server: TestServer;
  let workers: { close(): Promise<void> };
  beforeAll(async () => {
    server = await startTestServer();
    workers = startWorkers(server.runtime);
  });
  afterAll(async () => {
    await workers?.close();
    await server?.close();
  });

  it("signs up, finds a doctor by name, books a seat and cancels it", async () => {
    const surname = `Typed${Math.random().toString(36).slice(2, 10).replace(/[0-9]/g, "x")}`;
    const doctor = await newDoctor(server, { name: `Dr ${surname}` });
    await addSlot(server, doctor.token, { day: "monday", start: "09:00" });

    const api = createClient<paths>({ baseUrl: server.baseUrl });
    const email = `typed-${Date.now()}@example.test`;
    const password = "typed client passphrase";
    const signedUp = await api.POST("/users/register", { body: { name: "Typed User", email, password } });
    expect(signedUp.response.status).toBe(201);
    const signedIn = await api.POST("/auth/get_token", { body: { email, password } });
    const token = signedIn.data?.token as string;
    expect(token).toBeTruthy();

    const found = await eventually(async () => {
      const page = await api.GET("/misc/doctors/{name}", {
        params: { path: { name: surname.toLowerCase().slice(0, 6) } },
      });
      return page.data?.data.some((d) => d.id === doctor.id) ?? false;
    }, 5_000);
    expect(found).toBe(true);

    const patient = await api.POST("/patient/new", {
      headers: bearer(token),
      body: { name: "Typed Child", age: 7, gender: "female" },
    });
    expect(patient.response.status).toBe(201);
    const slotId = (await api.GET("/doctors/slot/{id}", { params: { path: { id: doctor.id } } })).data
      ?.data[0]?.id;
    const booked = await api.POST("/patient/new_appointment", {
      headers: bearer(token),
      body: { slot_id: slotId as number, patient_id: patient.data?.id as number },
    });
    expect(booked.response.status).toBe(201);
    expect(booked.data?.seat).toBe(1);
    const cancelled = await api.POST("/patient/appointment/{id}/cancel", {
      headers: bearer(token),
      params: { path: { id: booked.data?.id as number } },
    });
    expect(cancelled.data?.status).toBe("cancelled");
  });
});
