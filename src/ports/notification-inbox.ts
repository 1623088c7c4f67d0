/** The most ids one POST /users/notifications/read may name. */
export const MAX_READ_IDS = 1000;

/** An account's in-app notifications, as their reader changes them (GET /users/notifications reads them). */
export interface NotificationInbox {
  /**
   * Marks the account's unread notifications among `ids` (every one when null) read at `at`. Ids of other
   * accounts' notifications, unknown ids and ones already read are ignored alike. Returns how many of the
   * account's notifications stay unread.
   */
  markRead(userId: number, ids: readonly number[] | null, at: Date): Promise<number>;
}

export const NOTIFICATION_INBOX = Symbol.for("doctorly.NotificationInbox");
