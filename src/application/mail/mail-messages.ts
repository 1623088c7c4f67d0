import type { AppointmentRow } from "../../ports/appointment.read-model.js";

/** The words of a mail: its subject and the same text as plain text and as HTML. */
export interface MailBody {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const SUBJECTS: Readonly<Record<string, string>> = {
  booked: "Your appointment is booked",
  moved_from_waitlist: "A seat freed up: your appointment is booked",
  moved: "Your appointment has moved",
  cancelled: "Your appointment is cancelled",
  cancelled_by_doctor: "The doctor cancelled your appointment",
  sitting_closed: "A sitting does not take place",
  reminder_24h: "Reminder: your appointment is tomorrow",
  reminder_2h: "Reminder: your appointment is in two hours",
  doctor_suspended: "Your doctor is no longer listed",
};

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text made safe for HTML element content and attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

/** Paragraphs as plain text (blank line between) and as HTML, every piece escaped. */
function bodyOf(subject: string, greeting: string, paragraphs: readonly string[], link?: string): MailBody {
  const text = [greeting, ...paragraphs, ...(link ? [link] : []), "— Doctorly"].join("\n\n");
  const html = [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    `<p>${escapeHtml(greeting)}</p>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(link ? [`<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`] : []),
    "<p>— Doctorly</p>",
    "</body></html>",
  ].join("\n");
  return { subject, text, html };
}

/**
 * The mail of one notification: its in-app text, and the appointment's doctor, date and seat when it
 * has one. Only what the notification already says and the appointment's place: never the symptoms.
 */
export function notificationMail(
  notice: { readonly name: string; readonly kind: string; readonly text: string },
  appointment: AppointmentRow | null,
  expectedLocalTime: string | null,
): MailBody {
  const subject = SUBJECTS[notice.kind] ?? "News from Doctorly";
  const details =
    appointment && expectedLocalTime
      ? [
          `Doctor: ${appointment.doctor.name}. Date: ${appointment.date}, seat ${appointment.seat}, expected at ${expectedLocalTime} (${appointment.doctor.timeZone}).`,
        ]
      : [];
  return bodyOf(subject, `Hello ${notice.name},`, [notice.text, ...details]);
}

/** The mail with a password reset link. */
export function passwordResetMail(name: string, link: string, validMinutes: number): MailBody {
  return bodyOf(
    "Reset your Doctorly password",
    `Hello ${name},`,
    [
      `Someone asked to reset the password of your Doctorly account. The link below sets a new one; it works once, within ${validMinutes} minutes.`,
      "If it was not you, ignore this mail: your password stays as it is.",
    ],
    link,
  );
}
