/**
 * iCalendar text for calendar apps (API.md "Delivery": Calendars), built from plain facts: the
 * application says what the events are, an adapter writes RFC 5545.
 */

/** One event. `uid` stays the same for the life of what it shows; `sequence` rises with each change. */
export interface CalendarEvent {
  readonly uid: string;
  readonly sequence: number;
  readonly start: Date;
  readonly end: Date;
  readonly summary: string;
  readonly description?: string;
  readonly cancelled: boolean;
}

export interface CalendarWriter {
  /**
   * A single appointment as a scheduling message: `METHOD:REQUEST`, or `METHOD:CANCEL` with
   * `STATUS:CANCELLED` when the event is cancelled.
   */
  invite(event: CalendarEvent): string;
  /** A subscribable feed (`METHOD:PUBLISH`) named `name`, holding every event given. */
  feed(name: string, events: readonly CalendarEvent[]): string;
}

export const CALENDAR_WRITER = Symbol.for("doctorly.CalendarWriter");
