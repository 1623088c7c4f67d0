import { ContainerModule } from "inversify";
import { PgNotificationInbox } from "../adapters/postgres/notification-inbox.pg.js";
import { PgVisitReadModel } from "../adapters/postgres/visit.read-model.pg.js";
import { MarkNotificationsRead } from "../application/commands/accounts/mark-notifications-read.js";
import { JoinWaitlist, LeaveWaitlist } from "../application/commands/booking/waitlist.js";
import { ChangeVisitStatus } from "../application/commands/visits/change-visit-status.js";
import { RateAppointment } from "../application/commands/visits/rate-appointment.js";
import { VisitQueries } from "../application/queries/visits/visit.queries.js";
import type { Config } from "../config.js";
import { CLOCK } from "../ports/clock.js";
import { DOCTOR_READ_MODEL } from "../ports/doctor.read-model.js";
import { NOTIFICATION_INBOX, type NotificationInbox } from "../ports/notification-inbox.js";
import { UNIT_OF_WORK } from "../ports/unit-of-work.js";
import { VISIT_READ_MODEL, type VisitReadModel } from "../ports/visit.read-model.js";
import type { Infrastructure } from "./infrastructure.js";
import { limitsOf } from "./limits.module.js";

/** The doctor's day, ratings, waitlists and notifications (visits.routes.ts). */
export const visitsModule = (infra: Infrastructure, config: Config) =>
  new ContainerModule(({ bind }) => {
    bind<VisitReadModel>(VISIT_READ_MODEL).toConstantValue(new PgVisitReadModel(infra.pool, infra.readPool));
    bind<NotificationInbox>(NOTIFICATION_INBOX).toConstantValue(new PgNotificationInbox(infra.pool));
    bind(MarkNotificationsRead).toDynamicValue(
      (ctx) => new MarkNotificationsRead(ctx.get(NOTIFICATION_INBOX), ctx.get(CLOCK)),
    );
    bind(VisitQueries).toDynamicValue(
      (ctx) => new VisitQueries(ctx.get(VISIT_READ_MODEL), ctx.get(DOCTOR_READ_MODEL), ctx.get(CLOCK)),
    );
    bind(ChangeVisitStatus).toDynamicValue(
      (ctx) => new ChangeVisitStatus(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK)),
    );
    bind(RateAppointment).toDynamicValue((ctx) => new RateAppointment(ctx.get(UNIT_OF_WORK)));
    bind(JoinWaitlist).toDynamicValue(
      (ctx) =>
        new JoinWaitlist(
          ctx.get(UNIT_OF_WORK),
          ctx.get(CLOCK),
          config.BOOKING_HORIZON_DAYS,
          limitsOf(config),
        ),
    );
    bind(LeaveWaitlist).toDynamicValue((ctx) => new LeaveWaitlist(ctx.get(UNIT_OF_WORK)));
  });
