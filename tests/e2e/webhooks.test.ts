import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type DatabasePool, sql } from "slonik";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PG_POOL, startWorkers } from "../../src/container.js";
import { registerAndSignIn } from "../support/accounts.js";
import {
  addSlot,
  adminOf,
  get,
  newDoctor,
  newPatient,
  post,
  type SignedInDoctor,
} from "../support/booking.js";
import { eventually } from "../support/eventually.js";
import { startTestServer, type TestServer } from "../support/server.js";

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A webhook receiver on loopback; `answer` decides each status code (200 unless told otherwise). */
class Receiver {
  readonly received: Received[] = [];
  answer: (n: number) => number = () => 200;
  private server: Server | null = null;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.statusCode = this.answer(this.received.length);
        res.end("ignored");
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  of(type: string): Received[] {
    return this.received.filter((r) => (JSON.parse(r.body) as { type: string }).type === type);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

interface CreatedWebhook {
  id: number;
  url: string;
  events: string[];
  secret: string;
}

interface DeliveryPage {
  data: {
    event_id: string;
    type: string;
    attempts: number;
    status: string;
    last_status_code: number | null;
    next_attempt_at: string | null;
  }[];
  total: number;
}

const verified = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as {
    type: string;
    timestamp: string;
    data: Record<string, unknown>;
  };

describe("webhooks: signed deliveries from the outbox", () => {
  let server: TestServer;
  let workers: { close(): Promise<void> };
  const receivers: Receiver[] = [];
  const receiver = async () => {
    const r = await new Receiver().start();
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    server = await startTestServer({
      WEBHOOK_ALLOW_PRIVATE: "true",
      WEBHOOK_RETRY_BASE_MS: "200",
      WEBHOOK_MAX_ATTEMPTS: "3",
    });
    workers = startWorkers(server.runtime, { queueName: `webhooks-${Date.now()}` });
  });
  afterAll(async () => {
    await workers?.close();
    await server?.close();
    for (const r of receivers) await r.close();
  });

  const subscribe = async (token: string, url: string, events = ["appointment.booked"]) => {
    const res = await post(server, "/webhooks", token, { url, events });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as CreatedWebhook;
  };

  /** A patient of a new account books the doctor's next sitting; returns the appointment id. */
  const book = async (doctor: SignedInDoctor, start = "10:00") => {
    const slot = await addSlot(server, doctor.token, { day: "wednesday", start });
    const owner = await registerAndSignIn(server);
    const patient = await newPatient(server, owner.token, "Private Name");
    const res = await post(server, "/patient/new_appointment", owner.token, {
      slot_id: slot.id,
      patient_id: patient.id,
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: number }).id;
  };

  const deliveries = async (token: string, webhookId: number) =>
    (await (await get(server, `/webhooks/${webhookId}/deliveries`, token)).json()) as DeliveryPage;

  it("sends the doctor's receiver one signed appointment.booked, with the event id as webhook-id, and nothing of another doctor", async () => {
    const doctor = await newDoctor(server);
    const other = await newDoctor(server);
    const inbox = await receiver();
    const hook = await subscribe(doctor.token, inbox.url, ["appointment.booked", "appointment.cancelled"]);
    expect(hook.secret).toMatch(/^whsec_/);
    expect(hook.events).toEqual(["appointment.booked", "appointment.cancelled"]);

    await book(other, "11:00");
    const appointmentId = await book(doctor);
    expect(await eventually(async () => inbox.received.length >= 1, 20_000, 50)).toBe(true);
    // Give a duplicate or the other doctor's event time to arrive, if one were sent.
    await new Promise((r) => setTimeout(r, 700));
    expect(inbox.received).toHaveLength(1);
    const [delivery] = inbox.received as [Received];
    const event = verified(hook.secret, delivery);
    expect(event.type).toBe("appointment.booked");
    expect(event.data).toMatchObject({ appointment_id: appointmentId, doctor_id: doctor.id });
    expect(delivery.body).not.toContain("Private Name");
    expect(() => verified("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", delivery)).toThrow();

    const page = await deliveries(doctor.token, hook.id);
    expect(page.data).toEqual([
      {
        event_id: delivery.headers["webhook-id"],
        type: "appointment.booked",
        attempts: 1,
        status: "delivered",
        last_status_code: 200,
        next_attempt_at: null,
      },
    ]);
  });

  it("retries a receiver answering 500, then 200, with the same webhook-id; the log shows two attempts", async () => {
    const doctor = await newDoctor(server);
    const inbox = await receiver();
    inbox.answer = (n) => (n === 1 ? 500 : 200);
    const hook = await subscribe(doctor.token, inbox.url);
    await book(doctor);
    expect(await eventually(async () => inbox.received.length >= 2, 8_000, 50)).toBe(true);
    const [first, second] = inbox.received as [Received, Received];
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(verified(hook.secret, second).type).toBe("appointment.booked");
    expect(
      await eventually(async () => (await deliveries(doctor.token, hook.id)).data[0]?.status === "delivered"),
    ).toBe(true);
    expect((await deliveries(doctor.token, hook.id)).data[0]).toMatchObject({
      attempts: 2,
      status: "delivered",
      last_status_code: 200,
    });
  });

  it("marks a delivery failed after its attempts; the retry route sends it again", async () => {
    const doctor = await newDoctor(server);
    const inbox = await receiver();
    inbox.answer = () => 503;
    const hook = await subscribe(doctor.token, inbox.url);
    await book(doctor);
    expect(
      await eventually(
        async () => (await deliveries(doctor.token, hook.id)).data[0]?.status === "failed",
        10_000,
        100,
      ),
    ).toBe(true);
    const failed = (await deliveries(doctor.token, hook.id)).data[0];
    expect(failed).toMatchObject({
      attempts: 3,
      status: "failed",
      last_status_code: 503,
      next_attempt_at: null,
    });
    expect(inbox.received).toHaveLength(3);

    inbox.answer = () => 204;
    const other = await newDoctor(server);
    const foreign = await post(
      server,
      `/webhooks/${hook.id}/deliveries/${failed?.event_id}/retry`,
      other.token,
      {},
    );
    expect(foreign.status).toBe(404);
    const retried = await post(
      server,
      `/webhooks/${hook.id}/deliveries/${failed?.event_id}/retry`,
      doctor.token,
      {},
    );
    expect(retried.status).toBe(202);
    expect(
      await eventually(async () => (await deliveries(doctor.token, hook.id)).data[0]?.status === "delivered"),
    ).toBe(true);
    expect(inbox.received).toHaveLength(4);
    expect(inbox.received[3]?.headers["webhook-id"]).toBe(failed?.event_id);
    const again = await post(
      server,
      `/webhooks/${hook.id}/deliveries/${failed?.event_id}/retry`,
      doctor.token,
      {},
    );
    expect(again.status).toBe(409);
  });

  it("sends an admin's receiver the events of every doctor", async () => {
    const admin = await adminOf(server);
    const inbox = await receiver();
    const hook = await subscribe(admin, inbox.url);
    const [a, b] = [await newDoctor(server), await newDoctor(server)];
    const first = await book(a);
    const second = await book(b);
    const ids = () => inbox.of("appointment.booked").map((r) => verified(hook.secret, r).data.appointment_id);
    expect(await eventually(async () => ids().includes(first) && ids().includes(second), 20_000, 50)).toBe(
      true,
    );
    expect(
      (
        await server.request(`/webhooks/${hook.id}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${admin}` },
        })
      ).status,
    ).toBe(204);
  });

  it("never shows the secret again, and keeps each account's subscriptions its own", async () => {
    const doctor = await newDoctor(server);
    const other = await newDoctor(server);
    const hook = await subscribe(doctor.token, "http://127.0.0.1:9/never", ["doctor.updated"]);
    const listed = await get(server, "/webhooks", doctor.token);
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(text).not.toContain(hook.secret);
    expect(JSON.parse(text)).toEqual({
      data: [{ id: hook.id, url: hook.url, events: ["doctor.updated"], created_at: expect.any(String) }],
    });
    expect(await (await get(server, `/webhooks/${hook.id}/deliveries`, other.token)).text()).not.toContain(
      hook.secret,
    );
    expect((await get(server, `/webhooks/${hook.id}/deliveries`, other.token)).status).toBe(404);
    expect(
      ((await (await get(server, "/webhooks", other.token)).json()) as { data: unknown[] }).data,
    ).toEqual([]);
    const del = (token: string) =>
      server.request(`/webhooks/${hook.id}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await del(other.token)).status).toBe(404);
    expect((await del(doctor.token)).status).toBe(204);
    expect((await del(doctor.token)).status).toBe(404);

    const user = await registerAndSignIn(server);
    expect(
      (
        await post(server, "/webhooks", user.token, {
          url: "https://example.com/h",
          events: ["appointment.booked"],
        })
      ).status,
    ).toBe(403);
    const unknown = await post(server, "/webhooks", doctor.token, {
      url: hook.url,
      events: ["appointment.eaten"],
    });
    expect(unknown.status).toBe(400);
  });

  it("never lets parallel creations go past the per-account cap: exactly 10 of 20 succeed", async () => {
    const doctor = await newDoctor(server);
    const inbox = await receiver();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        post(server, "/webhooks", doctor.token, { url: inbox.url, events: ["sitting.closed"] }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([...Array(10).fill(201), ...Array(10).fill(409)]);
    const refused = answers.find((a) => a.status === 409);
    expect(await refused?.json()).toMatchObject({ type: "/problems/limit_reached" });
    const list = (await (await get(server, "/webhooks", doctor.token)).json()) as { data: unknown[] };
    expect(list.data).toHaveLength(10);
  });

  it("deletes the subscriptions of an erased account", async () => {
    const doctor = await newDoctor(server);
    const inbox = await receiver();
    await subscribe(doctor.token, inbox.url, ["doctor.updated"]);
    const erased = await server.request("/users/info", {
      method: "DELETE",
      headers: { authorization: `Bearer ${doctor.token}`, "content-type": "application/json" },
      body: JSON.stringify({ password: "a long enough password" }),
    });
    expect(erased.status).toBe(204);
    const pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    const left = await pool.oneFirst(
      sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM webhooks w JOIN doctors d ON d.user_id = w.user_id WHERE d.id = ${doctor.id}`,
    );
    expect(left).toBe(0);
  });

  it("refuses a URL that is not https, too long or resolves to a private address when private targets are off, and unknown event names", async () => {
    const strict = await startTestServer();
    try {
      const doctor = await newDoctor(strict);
      for (const url of [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest",
        "https://[::1]/hook",
        "https://localhost/hook",
        "http://93.184.215.14/hook",
        "https://user:pw@93.184.215.14/hook",
        `https://93.184.215.14/${"x".repeat(2001)}`,
      ]) {
        const res = await post(strict, "/webhooks", doctor.token, { url, events: ["appointment.booked"] });
        expect(res.status, url).toBe(400);
        const problem = (await res.json()) as { errors: { path: string }[] };
        expect(
          problem.errors.map((e) => e.path),
          url,
        ).toContain("url");
      }
      for (const events of [["appointment.exploded"], [], ["appointment.booked", "Appointment.Booked"]]) {
        const res = await post(strict, "/webhooks", doctor.token, {
          url: "https://93.184.215.14/hook",
          events,
        });
        expect(res.status, JSON.stringify(events)).toBe(400);
        const problem = (await res.json()) as { errors: { path: string }[] };
        expect(problem.errors.map((e) => e.path.split(".")[0])).toContain("events");
      }
      const ok = await post(strict, "/webhooks", doctor.token, {
        url: "https://93.184.215.14/hook",
        events: ["appointment.booked"],
      });
      expect(ok.status).toBe(201);
      // A public address is never to be called by a test: the subscription goes at once.
      const { id } = (await ok.json()) as { id: number };
      const deleted = await strict.request(`/webhooks/${id}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${doctor.token}` },
      });
      expect(deleted.status).toBe(204);
    } finally {
      await strict.close();
    }
  });
});
