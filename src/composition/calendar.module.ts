import { ContainerModule } from "inversify";
import { IcalCalendarWriter } from "../adapters/calendar/calendar.ical.js";
import { PgCalendarFeedStore } from "../adapters/postgres/calendar-feed.store.pg.js";
import { IssueCalendarFeed } from "../application/commands/calendar/issue-calendar-feed.js";
import { CalendarQueries } from "../application/queries/calendar/calendar.queries.js";
import type { Config } from "../config.js";
import { APPOINTMENT_READ_MODEL } from "../ports/appointment.read-model.js";
import { CALENDAR_WRITER, type CalendarWriter } from "../ports/calendar.js";
import { CALENDAR_FEED_STORE, type CalendarFeedStore } from "../ports/calendar-feed.store.js";
import { CLOCK, type Clock } from "../ports/clock.js";
import { DOCTOR_READ_MODEL } from "../ports/doctor.read-model.js";
import { SESSION_TOKENS } from "../ports/token.js";
import type { Infrastructure } from "./infrastructure.js";

/** iCalendar: an appointment's invite and the doctors' secret feeds (calendar.routes.ts). */
export const calendarModule = (infra: Infrastructure, config: Config) =>
  new ContainerModule(({ bind }) => {
    bind<CalendarFeedStore>(CALENDAR_FEED_STORE).toConstantValue(new PgCalendarFeedStore(infra.pool));
    bind<CalendarWriter>(CALENDAR_WRITER).toDynamicValue((ctx) => {
      const clock = ctx.get<Clock>(CLOCK);
      return new IcalCalendarWriter(() => clock.now());
    });
    bind(CalendarQueries).toDynamicValue(
      (ctx) =>
        new CalendarQueries(
          ctx.get(APPOINTMENT_READ_MODEL),
          ctx.get(DOCTOR_READ_MODEL),
          ctx.get(CALENDAR_FEED_STORE),
          ctx.get(SESSION_TOKENS),
          ctx.get(CALENDAR_WRITER),
          ctx.get(CLOCK),
          { host: new URL(config.PUBLIC_BASE_URL).hostname, horizonDays: config.BOOKING_HORIZON_DAYS },
        ),
    );
    bind(IssueCalendarFeed).toDynamicValue(
      (ctx) =>
        new IssueCalendarFeed(
          ctx.get(DOCTOR_READ_MODEL),
          ctx.get(CALENDAR_FEED_STORE),
          ctx.get(SESSION_TOKENS),
          config.PUBLIC_BASE_URL,
        ),
    );
  });
