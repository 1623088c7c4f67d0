/** Every kind of notification; the database's check constraint lists the same. */
export const NOTIFICATION_KINDS = [
  "booked",
  "cancelled",
  "moved_from_waitlist",
  "reminder_24h",
  "reminder_2h",
  "doctor_suspended",
  "sitting_closed",
  "cancelled_by_doctor",
  "moved",
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notification {
  readonly userId: number;
  readonly kind: NotificationKind;
  readonly text: string;
  readonly appointmentId: number | null;
}

/**
 * Tells an account about its appointments. The first adapter is in-app (a table read by
 * GET /users/notifications) and writes inside the caller's transaction, so a notice exists exactly
 * when the change it describes was committed.
 */
export interface Notifier {
  notify(notification: Notification): Promise<void>;
}
