import nodemailer, { type Transporter } from "nodemailer";
import type { Mailer, OutgoingMail } from "../../ports/mail.js";

/**
 * Mail through an SMTP relay (`SMTP_URL`, e.g. `smtp://user:pass@relay.example:587` or `smtps://…:465`)
 * with nodemailer. A connection that does not come up, greet or answer within seconds fails the attempt
 * (the mail job retries), so a relay that hangs holds a worker slot only briefly. The invite goes as
 * the `text/calendar; method=…` alternative part that calendar apps look for.
 */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport({
      url: smtpUrl,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      messageId: mail.messageId,
      text: mail.text,
      html: mail.html,
      ...(mail.invite
        ? {
            icalEvent: {
              method: mail.invite.method.toLowerCase(),
              filename: "invite.ics",
              content: mail.invite.content,
            },
          }
        : {}),
    });
  }

  close(): void {
    this.transport.close();
  }
}
