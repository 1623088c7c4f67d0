import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Reminders } from "../../src/application/projections/reminders.js";
import { compose, openProjectionQueues, PG_POOL, startWorkers } from "../../src/container.js";
import { APPOINTMENT_READ_MODEL } from "../../src/ports/appointment.read-model.js";
import { CLOCK } from "../../src/ports/clock.js";
import type { JobQueue } from "../../src/ports/job-queue.js";
import { MAILER } from "../../src/ports/mail.js";
import { UNIT_OF_WORK } from "../../src/ports/unit-of-work.js";
import { registerAndSignIn, type SignedInAccount } from "../support/accounts.js";
import { addSlot, auth, get, newDoctor, post, type SignedInDoctor } from "../support/booking.js";
import { TEST_REDIS_URL, testConfig } from "../support/env.js";
import { eventually } from "../support/eventually.js";
import { RecordingLogger } from "../support/fakes/accounts.js";
import { inviteOf, MailServer, type ReceivedMail } from "../support/mail-server.js";
import { startTestServer, type TestServer } from "../support/server.js";

const SYMPTOMS = "persistent cough and a secret rash";

interface Booked {
  readonly owner: SignedInAccount;
  readonly appointment: { id: number; date: string; seat: number };
}

describe("mail: every notification is mailed from the outbox, with calendar invites", () => {
  let server: TestServer;
  let workers: { close(): Promise<void> } | null = null;
  let mail: MailServer;
  let pool: DatabasePool;
  const queueName = `mail-${Date.now()}`;
  const startMailWorkers = () => {
    workers = startWorkers(server.runtime, { queueName });
  };
  const stopMailWorkers = async () => {
    await workers?.close();
    workers = null;
  };

  beforeAll(async () => {
    mail = await new MailServer().start();
    server = await startTestServer({
      SMTP_URL: mail.url,
      MAIL_FROM: "Doctorly Clinic <appointments@mail.doctorly.test>",
      MAIL_RETRY_BASE_MS: "200",
      MAIL_MAX_ATTEMPTS: "5",
    });
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    startMailWorkers();
  });
  afterAll(async () => {
    await stopMailWorkers();
    await server?.close();
    await mail?.stop();
  });

  /** A new account's patient (with symptoms) books the doctor's next sitting of a new slot. */
  const book = async (
    doctor: SignedInDoctor,
    start: string,
    patientName = "Ana Lima",
    account?: SignedInAccount,
  ): Promise<Booked> => {
    const slot = await addSlot(server, doctor.token, { day: "thursday", start });
    const owner = account ?? (await registerAndSignIn(server));
    const patient = await post(server, "/patient/new", owner.token, {
      name: patientName,
      age: 41,
      gender: "female",
      symptoms: SYMPTOMS,
    });
    expect(patient.status).toBe(201);
    const res = await post(server, "/patient/new_appointment", owner.token, {
      slot_id: slot.id,
      patient_id: ((await patient.json()) as { id: number }).id,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return { owner, appointment: (await res.json()) as Booked["appointment"] };
  };

  const mailsTo = async (address: string, count: number, timeoutMs = 30_000): Promise<ReceivedMail[]> => {
    expect(await eventually(async () => mail.to(address).length >= count, timeoutMs, 50)).toBe(true);
    return mail.to(address);
  };

  /** The state of a mail job of this file's workers (completed once it ran, whatever it decided). */
  const mailJobState = async (notificationId: number) => {
    const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(`${queueName}-mails`, { connection });
    try {
      return await queue.getJobState(`mail-notification-${notificationId}`);
    } finally {
      await queue.close();
      await connection.quit();
    }
  };

  const notificationIds = (appointmentId: number, kind: string) =>
    pool.anyFirst(
      sql.type(z.object({ id: z.number() }))`
        SELECT id FROM notifications WHERE appointment_id = ${appointmentId} AND kind = ${kind} ORDER BY id`,
    );

  it("mails one booking with a REQUEST invite, plain text and escaped HTML, never the symptoms", async () => {
    const doctor = await newDoctor(server, { name: "Dr Rui <Costa>" });
    const { owner, appointment } = await book(doctor, "09:00", "Ana <b>Lima</b>");
    const [message, ...more] = await mailsTo(owner.email, 1);
    const [booked] = await notificationIds(appointment.id, "booked");
    expect(message?.parsed.messageId).toBe(`<notification-${booked}@mail.doctorly.test>`);
    expect(message?.parsed.from?.text).toContain("appointments@mail.doctorly.test");
    expect(message?.parsed.subject).toBe("Your appointment is booked");
    expect(message?.parsed.text).toContain("Ana <b>Lima</b> holds seat");
    expect(message?.parsed.text).toContain(appointment.date);
    expect(message?.parsed.html).toContain("Ana &lt;b&gt;Lima&lt;/b&gt;");
    expect(message?.parsed.html).toContain("Dr Rui &lt;Costa&gt;");
    expect(message?.parsed.html).not.toContain("<b>Lima");
    expect(message?.raw).not.toContain("secret rash");
    const invite = message && inviteOf(message);
    expect(invite).toMatchObject({ method: "REQUEST", sequence: 0, status: "CONFIRMED" });
    const ics = await (
      await get(server, `/patient/appointment/${appointment.id}/calendar.ics`, owner.token)
    ).text();
    expect(ics).toContain(`UID:${invite?.uid}`);
    // A duplicate (a second job, a relayed event) would have arrived by the time a later booking's mail does.
    const later = await book(doctor, "11:00");
    await mailsTo(later.owner.email, 1);
    expect(more).toEqual([]);
    expect(mail.to(owner.email)).toHaveLength(1);
  });

  it("a doctor's cancel mails a CANCEL for the same UID with a higher SEQUENCE, as calendar.ics says", async () => {
    const doctor = await newDoctor(server);
    const { owner, appointment } = await book(doctor, "09:00");
    const [bookedMail] = await mailsTo(owner.email, 1);
    const res = await post(server, `/doctors/appointments/${appointment.id}/cancel`, doctor.token, {
      reason: "called away <urgently>",
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const [, cancelMail] = await mailsTo(owner.email, 2);
    const booked = bookedMail && inviteOf(bookedMail);
    const cancelled = cancelMail && inviteOf(cancelMail);
    expect(cancelMail?.parsed.subject).toBe("The doctor cancelled your appointment");
    expect(cancelMail?.parsed.text).toContain("called away <urgently>");
    expect(cancelMail?.parsed.html).toContain("called away &lt;urgently&gt;");
    expect(cancelled).toMatchObject({ method: "CANCEL", uid: booked?.uid, status: "CANCELLED" });
    expect(cancelled?.sequence).toBeGreaterThan(booked?.sequence ?? Number.POSITIVE_INFINITY);
    const ics = await (
      await get(server, `/patient/appointment/${appointment.id}/calendar.ics`, owner.token)
    ).text();
    expect(ics).toContain(`SEQUENCE:${cancelled?.sequence}`);
    for (const m of mail.to(owner.email)) expect(m.raw).not.toContain("secret rash");
  });

  it("each reschedule mails a REQUEST for the same UID with a rising SEQUENCE and the new time", async () => {
    const doctor = await newDoctor(server);
    const { owner, appointment } = await book(doctor, "09:00");
    const [first] = await mailsTo(owner.email, 1);
    const move = async () => {
      const res = await post(server, `/patient/appointment/${appointment.id}/reschedule`, owner.token, {});
      expect(res.status, await res.clone().text()).toBe(200);
      return (await res.json()) as { date: string; expected_time: string };
    };
    const moved = await move();
    const [, second] = await mailsTo(owner.email, 2);
    const again = await move();
    const [, , third] = await mailsTo(owner.email, 3);
    const invites = [first, second, third].map((m) => (m ? inviteOf(m) : null));
    expect(invites.map((i) => i?.method)).toEqual(["REQUEST", "REQUEST", "REQUEST"]);
    expect(new Set(invites.map((i) => i?.uid)).size).toBe(1);
    const sequences = invites.map((i) => i?.sequence ?? -1);
    expect(sequences[1]).toBeGreaterThan(sequences[0] ?? 0);
    expect(sequences[2]).toBeGreaterThan(sequences[1] ?? 0);
    expect(invites[1]?.start).toBe(moved.expected_time);
    expect(invites[2]?.start).toBe(again.expected_time);
    expect(second?.parsed.subject).toBe("Your appointment has moved");
    const ics = await (
      await get(server, `/patient/appointment/${appointment.id}/calendar.ics`, owner.token)
    ).text();
    expect(ics).toContain(`SEQUENCE:${sequences[2]}`);
  });

  it("keeps the Message-ID of a mail the relay refused with a 4xx and accepts on the next attempt", async () => {
    const doctor = await newDoctor(server);
    const owner = await registerAndSignIn(server);
    mail.refuse(owner.email, 1);
    await book(doctor, "09:00", "Ana Lima", owner);
    const [accepted] = await mailsTo(owner.email, 1);
    expect(mail.refusedIds).toContain(accepted?.parsed.messageId);
    expect(accepted?.parsed.messageId).toMatch(/^<notification-\d+@mail\.doctorly\.test>$/);
  });

  it("puts a mail refused on every attempt in the failed set; the operators' replay (deliveries:replay) sends it", async () => {
    const doctor = await newDoctor(server);
    const owner = await registerAndSignIn(server);
    mail.refuse(owner.email, 5);
    const { appointment } = await book(doctor, "09:00", "Ana Lima", owner);
    const [notification] = await notificationIds(appointment.id, "booked");
    const { queues, close } = openProjectionQueues(server.runtime, queueName);
    try {
      const mails = queues.find((q) => q.label === "mails")?.queue;
      const failedIds = async () => (await mails?.failed(1_000))?.map((j) => j.id) ?? [];
      expect(
        await eventually(
          async () => (await failedIds()).includes(`mail-notification-${notification}`),
          20_000,
          100,
        ),
      ).toBe(true);
      expect(mail.to(owner.email)).toEqual([]);
      expect(await mails?.retryFailed()).toBeGreaterThanOrEqual(1);
    } finally {
      await close();
    }
    const [sent] = await mailsTo(owner.email, 1);
    expect(sent?.parsed.messageId).toBe(`<notification-${notification}@mail.doctorly.test>`);
  });

  it("never mails a reminder of an appointment cancelled or moved since it was written, nor to an erased account", async () => {
    const doctor = await newDoctor(server);
    const kept = await book(doctor, "07:00");
    const cancelled = await book(doctor, "09:00");
    const moved = await book(doctor, "11:00");
    const erased = await book(doctor, "13:00");
    for (const b of [kept, cancelled, moved, erased]) await mailsTo(b.owner.email, 1);

    // The workers are down while the reminders are written and the appointments change.
    await stopMailWorkers();
    const c = server.runtime.container;
    const noQueue: JobQueue = { enqueue: async () => {}, failed: async () => [], retryFailed: async () => 0 };
    const reminders = new Reminders(
      c.get(APPOINTMENT_READ_MODEL),
      noQueue,
      c.get(UNIT_OF_WORK),
      c.get(CLOCK),
    );
    for (const { appointment } of [kept, cancelled, moved]) {
      await reminders.fire({
        id: "t",
        name: "reminder_24h",
        attemptsMade: 0,
        data: {
          appointmentId: appointment.id,
          kind: "reminder_24h",
          date: appointment.date,
          seat: appointment.seat,
        },
      });
    }
    expect(
      (
        await post(
          server,
          `/patient/appointment/${cancelled.appointment.id}/cancel`,
          cancelled.owner.token,
          {},
        )
      ).status,
    ).toBe(200);
    expect(
      (await post(server, `/patient/appointment/${moved.appointment.id}/reschedule`, moved.owner.token, {}))
        .status,
    ).toBe(200);
    const erasure = await server.request("/users/info", {
      method: "DELETE",
      headers: { "content-type": "application/json", ...auth(erased.owner.token) },
      body: JSON.stringify({ password: erased.owner.password }),
    });
    expect(erasure.status).toBe(204);
    startMailWorkers();

    const [keptReminder] = await notificationIds(kept.appointment.id, "reminder_24h");
    const [cancelledReminder] = await notificationIds(cancelled.appointment.id, "reminder_24h");
    const [movedReminder] = await notificationIds(moved.appointment.id, "reminder_24h");
    expect([cancelledReminder, movedReminder].every((id) => typeof id === "number")).toBe(true);
    const [, reminderMail] = await mailsTo(kept.owner.email, 2);
    expect(reminderMail?.parsed.messageId).toBe(`<notification-${keptReminder}@mail.doctorly.test>`);
    expect(reminderMail?.parsed.subject).toBe("Reminder: your appointment is tomorrow");
    expect(inviteOf(reminderMail as ReceivedMail)).toBeNull();
    // The cancel and the move are mailed; their stale reminders' jobs ran and sent nothing.
    await mailsTo(cancelled.owner.email, 2);
    await mailsTo(moved.owner.email, 2);
    for (const id of [cancelledReminder, movedReminder]) {
      expect(await eventually(async () => (await mailJobState(id as number)) === "completed")).toBe(true);
    }
    expect(mail.to(cancelled.owner.email).map((m) => m.parsed.subject)).toEqual([
      "Your appointment is booked",
      "Your appointment is cancelled",
    ]);
    expect(mail.to(moved.owner.email).map((m) => m.parsed.subject)).toEqual([
      "Your appointment is booked",
      "Your appointment has moved",
    ]);
    // Whatever erasure left of the account's notices (its cancel's), nothing more reaches the old address.
    for (const id of await notificationIds(erased.appointment.id, "cancelled")) {
      expect(await eventually(async () => (await mailJobState(id)) === "completed")).toBe(true);
    }
    expect(mail.to(erased.owner.email)).toHaveLength(1);
  });
});

describe("mail without SMTP_URL", () => {
  it("mails nothing and says so once in the workers' start log", async () => {
    const logger = new RecordingLogger();
    const runtime = await compose(testConfig(), logger);
    const workers = startWorkers(runtime, { queueName: `mail-off-${Date.now()}` });
    try {
      const said = logger.lines.filter((args) => JSON.stringify(args).includes("SMTP_URL is not set"));
      expect(said).toHaveLength(1);
      expect(runtime.container.isBound(MAILER)).toBe(false);
    } finally {
      await workers.close();
      await runtime.close();
    }
  });
});
