import type { AddressInfo } from "node:net";
import ICAL from "ical.js";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** One message as the SMTP server received it, parsed by mailparser. */
export interface ReceivedMail {
  readonly to: string[];
  readonly raw: string;
  readonly parsed: ParsedMail;
}

/** An SMTP error answer (4xx: the sender should try again later). */
class SmtpRefusal extends Error {
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}

/**
 * A real SMTP server on loopback (smtp-server, the nodemailer project's), without TLS or auth. Every
 * message is kept parsed; `refuse(address, n)` makes it answer the next n messages to that address with
 * a 451 (try later), and
 * `stop()`/`start(port)` take it off the network and back on the same port.
 */
export class MailServer {
  readonly received: ReceivedMail[] = [];
  /** Message-IDs of every message answered 451. */
  readonly refusedIds: string[] = [];
  /** How many more messages to one address are answered 451, by address. */
  private readonly refusals = new Map<string, number>();
  private server: SMTPServer | null = null;
  port = 0;

  async start(port = 0): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          simpleParser(raw).then(
            (parsed) => {
              const to = session.envelope.rcptTo.map((r) => r.address);
              const refused = to.find((address) => (this.refusals.get(address) ?? 0) > 0);
              if (refused) {
                this.refusals.set(refused, (this.refusals.get(refused) ?? 0) - 1);
                this.refusedIds.push(parsed.messageId ?? "");
                callback(new SmtpRefusal("try again later", 451));
                return;
              }
              this.received.push({ to, raw, parsed });
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Answers the next `messages` messages to `address` with 451 (try again later). */
  refuse(address: string, messages: number): void {
    this.refusals.set(address, messages);
  }

  /** The messages sent to one address. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The invite of a mail: its method and its one VEVENT's UID, SEQUENCE and status, read by ical.js. */
export interface ParsedInvite {
  readonly method: string;
  readonly uid: string;
  readonly sequence: number;
  readonly status: string | null;
  readonly start: string;
}

/** The text/calendar part of a mail (mailparser lists it among the attachments), or null. */
export function inviteOf(mail: ReceivedMail): ParsedInvite | null {
  const part = mail.parsed.attachments.find((a) => a.contentType === "text/calendar");
  if (!part) return null;
  const calendar = new ICAL.Component(ICAL.parse(part.content.toString("utf8")));
  const vevent = calendar.getFirstSubcomponent("vevent");
  if (!vevent) throw new Error("invite without a VEVENT");
  const event = new ICAL.Event(vevent);
  return {
    method: String(calendar.getFirstPropertyValue("method")),
    uid: event.uid,
    sequence: event.sequence,
    status: (vevent.getFirstPropertyValue("status") as string | null) ?? null,
    start: event.startDate.toJSDate().toISOString(),
  };
}
