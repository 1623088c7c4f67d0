import ical, { ICalCalendarMethod, type ICalEventData, ICalEventStatus } from "ical-generator";
import type { CalendarEvent, CalendarWriter } from "../../ports/calendar.js";

const PRODUCT = { company: "Doctorly", product: "Doctorly", language: "EN" };

const eventData = (e: CalendarEvent, stamp: Date): ICalEventData => ({
  id: e.uid,
  sequence: e.sequence,
  start: e.start,
  end: e.end,
  stamp,
  summary: e.summary,
  description: e.description ?? null,
  status: e.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
});

/** RFC 5545 text through `ical-generator`; times are written in UTC, so no VTIMEZONE is needed. */
export class IcalCalendarWriter implements CalendarWriter {
  constructor(private readonly now: () => Date = () => new Date()) {}

  invite(event: CalendarEvent): string {
    return ical({
      prodId: PRODUCT,
      method: event.cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
      events: [eventData(event, this.now())],
    }).toString();
  }

  feed(name: string, events: readonly CalendarEvent[]): string {
    const stamp = this.now();
    return ical({
      prodId: PRODUCT,
      method: ICalCalendarMethod.PUBLISH,
      name,
      events: events.map((e) => eventData(e, stamp)),
    }).toString();
  }
}
