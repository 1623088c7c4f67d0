import { ContainerModule } from "inversify";
import { CancelAppointmentByDoctor } from "../application/commands/booking/cancel-appointment.js";
import { RetireSlot } from "../application/commands/schedule/retire-slot.js";
import { RemoveTimeOff, TakeTimeOff } from "../application/commands/schedule/time-off.js";
import type { Config } from "../config.js";
import { CLOCK } from "../ports/clock.js";
import { UNIT_OF_WORK } from "../ports/unit-of-work.js";

/** Doctors change their schedule: time off, retiring slots, cancelling one visit. */
export const scheduleModule = (config: Config) =>
  new ContainerModule(({ bind }) => {
    const horizon = config.BOOKING_HORIZON_DAYS;
    bind(TakeTimeOff).toDynamicValue(
      (ctx) => new TakeTimeOff(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK), horizon),
    );
    bind(RemoveTimeOff).toDynamicValue((ctx) => new RemoveTimeOff(ctx.get(UNIT_OF_WORK)));
    bind(RetireSlot).toDynamicValue((ctx) => new RetireSlot(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK), horizon));
    bind(CancelAppointmentByDoctor).toDynamicValue(
      (ctx) => new CancelAppointmentByDoctor(ctx.get(UNIT_OF_WORK), ctx.get(CLOCK)),
    );
  });
