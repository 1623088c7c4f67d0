import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PG_POOL, startWorkers } from "../../../src/container.js";
import { registerAndSignIn } from "../../support/accounts.js";
import { addSlot, get, newDoctor, newPatient, post } from "../../support/booking.js";
import { TEST_REDIS_URL } from "../../support/env.js";
import { eventually } from "../../support/eventually.js";
import { MailServer } from "../../support/mail-server.js";
import { startTestServer, type TestServer } from "../../support/server.js";

/** A webhook receiver on loopback that can go away and come back on the same port. */
class Receiver {
  readonly received: { headers: IncomingHttpHeaders; body: string }[] = [];
  private server: Server | null = null;
  port = 0;

  async start(port = 0): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

const BOOKINGS = 6;

describe("the mail server and a webhook receiver down while patients book", () => {
  let server: TestServer;
  let workers: { close(): Promise<void> };
  let mail: MailServer;
  let receiver: Receiver;
  const queueName = `delivery-outage-${Date.now()}`;

  beforeAll(async () => {
    mail = await new MailServer().start();
    receiver = await new Receiver().start();
    server = await startTestServer({
      SMTP_URL: mail.url,
      MAIL_RETRY_BASE_MS: "200",
      MAIL_MAX_ATTEMPTS: "12",
      WEBHOOK_ALLOW_PRIVATE: "true",
      WEBHOOK_RETRY_BASE_MS: "200",
      WEBHOOK_MAX_ATTEMPTS: "12",
    });
    workers = startWorkers(server.runtime, { queueName });
  });
  afterAll(async () => {
    await workers?.close();
    await server?.close();
    await mail?.stop();
    await receiver?.stop();
  });

  it("answers every booking 201 while both refuse connections; once back, every mail and event arrives once", async () => {
    const doctor = await newDoctor(server);
    const hook = await post(server, "/webhooks", doctor.token, {
      url: `http://127.0.0.1:${receiver.port}/hook`,
      events: ["appointment.booked"],
    });
    expect(hook.status).toBe(201);
    const slot = await addSlot(server, doctor.token, { day: "friday", start: "09:00", num_slots: 10 });
    const owners = await Promise.all(Array.from({ length: BOOKINGS }, () => registerAndSignIn(server)));
    const patients = await Promise.all(owners.map((o) => newPatient(server, o.token, "Outage Patient")));

    await mail.stop();
    await receiver.stop();
    const answers = await Promise.all(
      owners.map((o, i) =>
        post(server, "/patient/new_appointment", o.token, { slot_id: slot.id, patient_id: patients[i]?.id }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(owners.map(() => 201));
    const appointmentIds = await Promise.all(
      answers.map(async (a) => ((await a.json()) as { id: number }).id),
    );

    // While they are down, the mails wait: every booking's notice is written and none is marked mailed.
    const pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    const unmailed = () =>
      pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        SELECT count(*)::int AS n FROM notifications
        WHERE appointment_id = ANY(${sql.array(appointmentIds, "int4")}) AND mailed_at IS NULL`);
    expect(await unmailed()).toBe(BOOKINGS);
    // Both were tried and refused before they come back: the mail jobs and the deliveries have failed attempts.
    const notificationIds = await pool.anyFirst(sql.type(z.object({ id: z.number() }))`
      SELECT id FROM notifications WHERE appointment_id = ANY(${sql.array(appointmentIds, "int4")})`);
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const mailQueue = new Queue(`${queueName}-mails`, { connection });
    try {
      const triedMails = async () => {
        const jobs = await Promise.all(
          notificationIds.map((id) => mailQueue.getJob(`mail-notification-${id}`)),
        );
        return jobs.every((j) => (j?.attemptsMade ?? 0) >= 1);
      };
      expect(await eventually(triedMails, 20_000, 100)).toBe(true);
    } finally {
      await mailQueue.close();
      await connection.quit();
    }
    const webhookId = ((await hook.json()) as { id: number }).id;
    const triedDeliveries = async () => {
      const page = (await (
        await get(server, `/webhooks/${webhookId}/deliveries?per_page=100`, doctor.token)
      ).json()) as {
        data: { attempts: number; status: string }[];
      };
      return (
        page.data.length >= BOOKINGS && page.data.every((d) => d.attempts >= 1 && d.status === "pending")
      );
    };
    expect(await eventually(triedDeliveries, 20_000, 100)).toBe(true);

    await mail.start(mail.port);
    await receiver.start(receiver.port);
    const arrived = () => owners.every((o) => mail.to(o.email).length >= 1);
    expect(await eventually(async () => arrived(), 40_000, 100)).toBe(true);
    const events = () =>
      receiver.received.filter((r) =>
        appointmentIds.includes(
          (JSON.parse(r.body) as { data: { appointment_id: number } }).data.appointment_id,
        ),
      );
    expect(await eventually(async () => events().length >= BOOKINGS, 40_000, 100)).toBe(true);
    expect(await eventually(async () => (await unmailed()) === 0, 10_000, 100)).toBe(true);

    // Nothing twice: a later booking's mail and event come after any duplicate would have.
    const late = await registerAndSignIn(server);
    const latePatient = await newPatient(server, late.token, "Late Patient");
    const lateBooking = await post(server, "/patient/new_appointment", late.token, {
      slot_id: slot.id,
      patient_id: latePatient.id,
    });
    expect(lateBooking.status).toBe(201);
    const lateId = ((await lateBooking.json()) as { id: number }).id;
    expect(await eventually(async () => mail.to(late.email).length === 1, 20_000, 100)).toBe(true);
    expect(
      await eventually(
        async () =>
          receiver.received.some(
            (r) =>
              (JSON.parse(r.body) as { data: { appointment_id: number } }).data.appointment_id === lateId,
          ),
        20_000,
        100,
      ),
    ).toBe(true);
    for (const o of owners) expect(mail.to(o.email)).toHaveLength(1);
    const ids = new Set(owners.map((o) => mail.to(o.email)[0]?.parsed.messageId));
    expect(ids.size).toBe(BOOKINGS);
    const eventIds = events().map((r) => r.headers["webhook-id"]);
    expect(new Set(eventIds).size).toBe(BOOKINGS);
    expect(eventIds).toHaveLength(BOOKINGS);
  });
});
