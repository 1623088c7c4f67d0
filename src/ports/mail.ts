/** Email (API.md "Delivery"): what the mail worker sends and where it reads what to send. */

/** A calendar part: the iCalendar text and the scheduling method it carries. */
export interface MailInvite {
  readonly method: "REQUEST" | "CANCEL";
  readonly content: string;
}

export interface OutgoingMail {
  /** Without angle brackets' content rules: `<…@…>`, the same for every attempt at one message. */
  readonly messageId: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly invite?: MailInvite;
}

/** Hands a message to the SMTP relay; throws when the relay did not accept it (the job retries). */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

/** A notification to mail, with the address of its account (null when the account is erased). */
export interface NotificationToMail {
  readonly id: number;
  readonly email: string;
  readonly name: string;
  readonly kind: string;
  readonly text: string;
  readonly appointmentId: number | null;
  readonly mailedAt: Date | null;
}

/** A password reset to mail. */
export interface PasswordResetToMail {
  readonly id: number;
  readonly email: string;
  readonly name: string;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
  readonly mailedAt: Date | null;
}

export interface MailSource {
  /** The notification, or null when it is gone or its account was erased. */
  notification(id: number): Promise<NotificationToMail | null>;
  markNotificationMailed(id: number, at: Date): Promise<void>;
  /** The reset, or null when it is gone or its account was erased. */
  passwordReset(id: number): Promise<PasswordResetToMail | null>;
  /** Keeps the digest of the token about to be mailed (replacing one of an earlier attempt); false once used. */
  setResetToken(id: number, tokenDigest: string): Promise<boolean>;
  markResetMailed(id: number, at: Date): Promise<void>;
}

/** Password resets as the HTTP requests see them. */
export interface PasswordResetStore {
  /**
   * Records a reset for the account of `email` and appends PasswordResetRequested to the outbox, in one
   * statement that costs the same whether or not such an account exists (nothing happens when not).
   */
  request(email: string, requestedAt: Date, expiresAt: Date): Promise<void>;
  /** Deletes at most `limit` resets that can never be used again (used, or expired at `now`). */
  purgeEnded(now: Date, limit: number): Promise<number>;
}

export const MAILER = Symbol.for("doctorly.Mailer");
export const MAIL_SOURCE = Symbol.for("doctorly.MailSource");
export const PASSWORD_RESET_STORE = Symbol.for("doctorly.PasswordResetStore");
