import { beforeEach, describe, expect, it } from "vitest";
import { IcalCalendarWriter } from "../../../src/adapters/calendar/calendar.ical.js";
import { MailDeliveries } from "../../../src/application/mail/mail-deliveries.js";
import { escapeHtml } from "../../../src/application/mail/mail-messages.js";
import type { AppointmentRow } from "../../../src/ports/appointment.read-model.js";
import type { QueuedJob, ReceivedJob } from "../../../src/ports/job-queue.js";
import type {
  Mailer,
  MailSource,
  NotificationToMail,
  OutgoingMail,
  PasswordResetToMail,
} from "../../../src/ports/mail.js";
import type { SessionTokens } from "../../../src/ports/token.js";
import { FixedClock } from "../../support/fakes/unit-of-work.js";
import { appointmentRow } from "../../support/fixtures.js";

// Names with markup and an ampersand, which the HTML mail must escape.
const appointment = (over: Partial<AppointmentRow> = {}): AppointmentRow =>
  appointmentRow({
    patient: { id: 5, userId: 50, name: "Sam <i>Lee</i>", age: 40, gender: "other", symptoms: "migraine" },
    doctor: { id: 2, name: "Dr Ada & Co", timeZone: "UTC" },
    ...over,
  });

const notice = (over: Partial<NotificationToMail> = {}): NotificationToMail => ({
  id: 41,
  email: "owner@example.test",
  name: "Owner <b>",
  kind: "booked",
  text: "Sam <i>Lee</i> holds seat 3 in the sitting of 2026-12-07 (appointment 7).",
  appointmentId: 7,
  mailedAt: null,
  ...over,
});

const job = (data: unknown, attemptsMade = 0): ReceivedJob => ({ id: "j", name: "mail", data, attemptsMade });
const notificationJob = (calendarSequence: number | null = 0) =>
  job({ kind: "notification", notificationId: 41, calendarSequence });

describe("mail deliveries", () => {
  let notices: Map<number, NotificationToMail>;
  let resets: Map<number, PasswordResetToMail & { digest?: string }>;
  let current: AppointmentRow | null;
  let sent: OutgoingMail[];
  let planned: QueuedJob[];
  let refuse: number;
  let clock: FixedClock;
  let deliveries: MailDeliveries;

  beforeEach(() => {
    notices = new Map([[41, notice()]]);
    resets = new Map();
    current = appointment();
    sent = [];
    planned = [];
    refuse = 0;
    clock = new FixedClock(new Date("2026-12-06T12:00:00Z"));
    const source: MailSource = {
      notification: async (id) => notices.get(id) ?? null,
      markNotificationMailed: async (id, at) => {
        const n = notices.get(id);
        if (n) notices.set(id, { ...n, mailedAt: at });
      },
      passwordReset: async (id) => resets.get(id) ?? null,
      setResetToken: async (id, digest) => {
        const r = resets.get(id);
        if (!r || r.usedAt) return false;
        resets.set(id, { ...r, digest });
        return true;
      },
      markResetMailed: async (id, at) => {
        const r = resets.get(id);
        if (r) resets.set(id, { ...r, mailedAt: at });
      },
    };
    const mailer: Mailer = {
      send: async (mail) => {
        if (refuse > 0) {
          refuse--;
          throw new Error("451 try again later");
        }
        sent.push(mail);
      },
    };
    let drawn = 0;
    const tokens: SessionTokens = { issue: () => `token${++drawn}`, digest: (t) => `digest-of-${t}` };
    deliveries = new MailDeliveries({
      source,
      appointments: { findById: async (id) => (current?.id === id ? current : null) },
      mailer,
      queue: {
        enqueue: async (jobs) => void planned.push(...jobs),
        failed: async () => [],
        retryFailed: async () => 0,
      },
      tokens,
      calendar: new IcalCalendarWriter(() => clock.now()),
      clock,
      options: {
        calendarHost: "doctorly.example",
        messageIdDomain: "mail.example",
        publicBaseUrl: "https://doctorly.example",
        resetMinutes: 30,
      },
    });
  });

  it("plans one job per notification and reset event, with ids that collapse a duplicate", async () => {
    await deliveries.plan(
      job({
        events: [
          {
            outboxId: "1",
            type: "NotificationCreated",
            payload: { notificationId: 41, calendarSequence: 2 },
          },
          { outboxId: "2", type: "PasswordResetRequested", payload: { resetId: 9 } },
          { outboxId: "3", type: "AppointmentBooked", payload: { appointmentId: 7 } },
        ],
      }),
    );
    expect(planned).toEqual([
      {
        id: "mail-notification-41",
        name: "mail",
        data: { kind: "notification", notificationId: 41, calendarSequence: 2 },
      },
      { id: "mail-password-reset-9", name: "mail", data: { kind: "password_reset", resetId: 9 } },
    ]);
  });

  it("mails a booking with a REQUEST invite, escaped HTML, a Message-ID of the notification, no symptoms", async () => {
    await deliveries.deliver(notificationJob());
    expect(sent).toHaveLength(1);
    const [mail] = sent as [OutgoingMail];
    expect(mail.messageId).toBe("<notification-41@mail.example>");
    expect(mail.to).toBe("owner@example.test");
    expect(mail.text).toContain("Sam <i>Lee</i> holds seat 3");
    expect(mail.html).toContain("Sam &lt;i&gt;Lee&lt;/i&gt;");
    expect(mail.html).toContain("Dr Ada &amp; Co");
    expect(mail.html).toContain("Owner &lt;b&gt;");
    expect(mail.html).not.toMatch(/<i>|<b>/);
    expect(mail.invite?.method).toBe("REQUEST");
    expect(mail.invite?.content).toContain("UID:appointment-7@doctorly.example");
    for (const part of [mail.text, mail.html, mail.invite?.content ?? ""])
      expect(part).not.toContain("migraine");
  });

  it("keeps the Message-ID across a refused attempt and sends nothing once the mail was accepted", async () => {
    refuse = 1;
    await expect(deliveries.deliver(notificationJob())).rejects.toThrow("451");
    await deliveries.deliver(notificationJob());
    await deliveries.deliver(notificationJob());
    expect(sent.map((m) => m.messageId)).toEqual(["<notification-41@mail.example>"]);
  });

  it("attaches a CANCEL with the current SEQUENCE once the appointment is cancelled", async () => {
    notices.set(41, notice({ kind: "cancelled_by_doctor", text: "The doctor cancelled it." }));
    current = appointment({ status: "cancelled", cancelledBy: "doctor", calendarSequence: 2 });
    await deliveries.deliver(notificationJob(2));
    expect(sent[0]?.invite?.method).toBe("CANCEL");
    expect(sent[0]?.invite?.content).toContain("SEQUENCE:2");
    expect(sent[0]?.invite?.content).toContain("METHOD:CANCEL");
  });

  it("mails a reminder without an invite only while its appointment is live, unmoved and still ahead", async () => {
    notices.set(41, notice({ kind: "reminder_2h", text: "Reminder." }));
    await deliveries.deliver(notificationJob(0));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.invite).toBeUndefined();
    expect(sent[0]?.subject).toBe("Reminder: your appointment is in two hours");

    for (const stale of [
      appointment({ status: "cancelled", calendarSequence: 1 }),
      appointment({ calendarSequence: 1, rescheduledFrom: { slotId: 3, date: "2026-11-30", seat: 1 } }),
    ]) {
      notices.set(41, notice({ kind: "reminder_2h", text: "Reminder.", mailedAt: null }));
      current = stale;
      await deliveries.deliver(notificationJob(0));
    }
    current = appointment();
    clock.current = new Date("2026-12-07T09:30:00Z");
    await deliveries.deliver(notificationJob(0));
    expect(sent).toHaveLength(1);
  });

  it("sends nothing for a notification that is gone (an erased account's)", async () => {
    notices.clear();
    await deliveries.deliver(notificationJob());
    expect(sent).toEqual([]);
  });

  it("draws a reset token when mailing, keeps only its digest, and mails nothing for a used or expired reset", async () => {
    const reset = {
      id: 9,
      email: "owner@example.test",
      name: "Owner",
      expiresAt: new Date("2026-12-06T12:30:00Z"),
      usedAt: null,
      mailedAt: null,
    };
    resets.set(9, reset);
    refuse = 1;
    await expect(deliveries.deliver(job({ kind: "password_reset", resetId: 9 }))).rejects.toThrow();
    await deliveries.deliver(job({ kind: "password_reset", resetId: 9 }, 1));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.messageId).toBe("<password-reset-9@mail.example>");
    expect(sent[0]?.text).toContain("https://doctorly.example/password_reset#token=token2");
    expect(resets.get(9)?.digest).toBe("digest-of-token2");

    resets.set(10, { ...reset, id: 10, usedAt: new Date("2026-12-06T12:01:00Z") });
    resets.set(11, { ...reset, id: 11, expiresAt: new Date("2026-12-06T11:59:00Z") });
    await deliveries.deliver(job({ kind: "password_reset", resetId: 10 }));
    await deliveries.deliver(job({ kind: "password_reset", resetId: 11 }));
    expect(sent).toHaveLength(1);
  });

  it("escapes every character HTML gives a meaning", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});
