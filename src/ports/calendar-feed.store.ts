import type { AppointmentRow } from "./appointment.read-model.js";

/** Doctors' secret calendar feeds, kept by the SHA-256 digest of their token only. */
export interface CalendarFeedStore {
  /** The doctor's feed is now this digest's; an earlier one stops working. */
  replace(doctorId: number, tokenDigest: string): Promise<void>;
  /** The doctor whose feed has this digest, or null. */
  doctorOf(tokenDigest: string): Promise<number | null>;
  /** The doctor's live (not cancelled) appointments of sittings between two dates (inclusive), in time order. */
  liveAppointmentsBetween(doctorId: number, from: string, to: string): Promise<AppointmentRow[]>;
}

export const CALENDAR_FEED_STORE = Symbol.for("doctorly.CalendarFeedStore");
