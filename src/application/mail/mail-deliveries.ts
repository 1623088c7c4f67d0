import type { AppointmentReadModel, AppointmentRow } from "../../ports/appointment.read-model.js";
import type { CalendarWriter } from "../../ports/calendar.js";
import type { Clock } from "../../ports/clock.js";
import type { JobQueue, QueuedJob, ReceivedJob } from "../../ports/job-queue.js";
import type { Mailer, MailInvite, MailSource } from "../../ports/mail.js";
import type { SessionTokens } from "../../ports/token.js";
import { eventsOfJob, type ProjectionEvent } from "../projections/projection-event.js";
import { appointmentEvent } from "../queries/calendar/calendar.queries.js";
import { toAppointmentView } from "../queries/views.js";
import { notificationMail, passwordResetMail } from "./mail-messages.js";

type MailJob =
  | {
      readonly kind: "notification";
      readonly notificationId: number;
      /** The appointment's calendar_sequence when the notification was written. */
      readonly calendarSequence: number | null;
    }
  | { readonly kind: "password_reset"; readonly resetId: number };

const isId = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value > 0;

function isMailJob(data: unknown): data is MailJob {
  if (typeof data !== "object" || data === null) return false;
  const job = data as Record<string, unknown>;
  return (
    (job.kind === "notification" && isId(job.notificationId)) ||
    (job.kind === "password_reset" && isId(job.resetId))
  );
}

/** Kinds whose mail carries the appointment's invite (REQUEST, or CANCEL once cancelled). */
const INVITE_KINDS: ReadonlySet<string> = new Set([
  "booked",
  "moved_from_waitlist",
  "moved",
  "cancelled",
  "cancelled_by_doctor",
  "sitting_closed",
]);

const isReminder = (kind: string) => kind === "reminder_24h" || kind === "reminder_2h";

export interface MailOptions {
  /** The host of PUBLIC_BASE_URL: the right-hand side of the appointments' UIDs (as calendar.ics). */
  readonly calendarHost: string;
  /** The domain of MAIL_FROM: the right-hand side of every Message-ID. */
  readonly messageIdDomain: string;
  readonly publicBaseUrl: string;
  /** How long a reset link works. */
  readonly resetMinutes: number;
}

/** The mail job of one outbox event, or null when it is not mailed. */
function mailJobOf(event: ProjectionEvent): QueuedJob | null {
  const payload = event.payload as Record<string, unknown> | null;
  if (typeof payload !== "object" || payload === null) return null;
  if (event.type === "NotificationCreated" && isId(payload.notificationId)) {
    const sequence = payload.calendarSequence;
    return {
      id: `mail-notification-${payload.notificationId}`,
      name: "mail",
      data: {
        kind: "notification",
        notificationId: payload.notificationId,
        calendarSequence: typeof sequence === "number" ? sequence : null,
      } satisfies MailJob,
    };
  }
  if (event.type === "PasswordResetRequested" && isId(payload.resetId)) {
    return {
      id: `mail-password-reset-${payload.resetId}`,
      name: "mail",
      data: { kind: "password_reset", resetId: payload.resetId } satisfies MailJob,
    };
  }
  return null;
}

/**
 * Email from the outbox: every notification written (NotificationCreated) and every password reset
 * asked (PasswordResetRequested) becomes one job on the mail queue, whose id collapses an event relayed
 * twice. A job sends one message whose Message-ID comes from the notification (or reset) id, so every
 * attempt at it is the same message to the receiving side; a relay that does not accept it makes the job
 * throw, and the queue retries it with backoff.
 */
export class MailDeliveries {
  constructor(
    private readonly deps: {
      readonly source: MailSource;
      readonly appointments: Pick<AppointmentReadModel, "findById">;
      readonly mailer: Mailer;
      readonly queue: JobQueue;
      readonly tokens: SessionTokens;
      readonly calendar: CalendarWriter;
      readonly clock: Clock;
      readonly options: MailOptions;
    },
  ) {}

  /** Projection job handler: queues the mails of the job's events. */
  readonly plan = async (job: ReceivedJob): Promise<void> => {
    const jobs = eventsOfJob(job.data)
      .map(mailJobOf)
      .filter((j): j is QueuedJob => j !== null);
    await this.deps.queue.enqueue(jobs);
  };

  /** Mail job handler: sends one message at most once it was accepted; throws to be retried. */
  readonly deliver = async (job: ReceivedJob): Promise<void> => {
    if (!isMailJob(job.data)) return;
    if (job.data.kind === "notification") await this.notification(job.data);
    else await this.passwordReset(job.data.resetId);
  };

  private messageId(what: string, id: number): string {
    return `<${what}-${id}@${this.deps.options.messageIdDomain}>`;
  }

  private async notification(job: Extract<MailJob, { kind: "notification" }>): Promise<void> {
    const { source, appointments, mailer, clock, calendar, options } = this.deps;
    const notice = await source.notification(job.notificationId);
    // Gone, its account erased, or sent by an earlier run of this job.
    if (!notice || notice.mailedAt) return;
    const appointment =
      notice.appointmentId === null ? null : await appointments.findById(notice.appointmentId);
    if (isReminder(notice.kind) && !this.reminderHolds(appointment, job.calendarSequence)) return;
    const view = appointment ? toAppointmentView(appointment) : null;
    const body = notificationMail(notice, appointment, view?.expected_local_time ?? null);
    let invite: MailInvite | undefined;
    if (appointment && INVITE_KINDS.has(notice.kind)) {
      const event = appointmentEvent(appointment, options.calendarHost);
      invite = { method: event.cancelled ? "CANCEL" : "REQUEST", content: calendar.invite(event) };
    }
    await mailer.send({
      messageId: this.messageId("notification", notice.id),
      to: notice.email,
      ...body,
      ...(invite ? { invite } : {}),
    });
    await source.markNotificationMailed(notice.id, clock.now());
  }

  /**
   * A reminder is mailed only while its appointment is where it was when the reminder was written:
   * live, not moved or cancelled since (its calendar_sequence unchanged), its time still ahead.
   */
  private reminderHolds(appointment: AppointmentRow | null, sequence: number | null): boolean {
    if (!appointment || (appointment.status !== "booked" && appointment.status !== "arrived")) return false;
    if (sequence !== null && appointment.calendarSequence !== sequence) return false;
    const expected = Date.parse(toAppointmentView(appointment).expected_time);
    return this.deps.clock.now().getTime() < expected;
  }

  private async passwordReset(resetId: number): Promise<void> {
    const { source, mailer, clock, tokens, options } = this.deps;
    const reset = await source.passwordReset(resetId);
    if (!reset || reset.usedAt || reset.mailedAt) return;
    if (reset.expiresAt.getTime() <= clock.now().getTime()) return;
    // Drawn here, never stored but as its digest: a retried attempt mails a new token (same Message-ID)
    // and the earlier one stops working, as it was never delivered.
    const token = tokens.issue();
    if (!(await source.setResetToken(reset.id, tokens.digest(token)))) return;
    // In the fragment, which browsers never send to a server: the token stays out of access logs.
    const link = `${options.publicBaseUrl}/password_reset#token=${token}`;
    await mailer.send({
      messageId: this.messageId("password-reset", reset.id),
      to: reset.email,
      ...passwordResetMail(reset.name, link, options.resetMinutes),
    });
    await source.markResetMailed(reset.id, clock.now());
  }
}
