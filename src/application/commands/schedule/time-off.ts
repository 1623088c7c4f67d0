import { planTimeOff, type TimeOff } from "../../../domain/doctor/time-off.js";
import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import { DOCTOR_UNAVAILABLE } from "../../../domain/sitting/sitting-book.js";
import { addDays, localDateOf } from "../../../domain/sitting/zoned-time.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { Clock } from "../../../ports/clock.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { doctorProfileMissing } from "../doctors/doctor-not-found.js";
import { closeSittings } from "./close-sittings.js";

export interface TimeOffRequest {
  readonly from: string;
  readonly to: string;
  readonly reason?: string | undefined;
}

const timeOffNotFound = appError("not_found", "time_off_not_found", "No such time off.");

/**
 * A doctor takes time off: every sitting on those dates (the doctor's zone) closes, its live
 * appointments are cancelled by the doctor with the reason (or "doctor unavailable") and its waiting
 * entries end, each owner told, in one transaction. Sittings beyond the booking horizon hold nobody;
 * they are closed by the stored time off when they are loaded.
 */
export class TakeTimeOff {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly horizonDays: number,
  ) {}

  execute(
    principal: Principal,
    request: TimeOffRequest,
  ): Promise<Result<{ timeOff: TimeOff; cancelledAppointments: number }>> {
    return this.uow.run(async (scope) => {
      // The doctor's row lock runs one schedule change of the doctor at a time; sitting locks follow.
      const doctor = await scope.doctors.lockByUserId(principal.userId);
      if (!doctor) return err(doctorProfileMissing);
      const now = this.clock.now();
      const today = localDateOf(now, doctor.timeZone);
      const plan = planTimeOff(request, today);
      if (!plan.ok) return plan;
      const { from, to, reason } = plan.value;
      // Later sittings hold nobody yet. One day past the horizon: the day may roll over while this runs.
      const lastBookable = addDays(today, this.horizonDays + 1);
      const until = [to, lastBookable].sort()[0] ?? to;
      const cancelledAppointments = await closeSittings(scope, {
        slots: await scope.slots.listHoldingSittingsFrom(doctor.id, from),
        timeZone: doctor.timeZone,
        from,
        to: until,
        reason: reason ?? DOCTOR_UNAVAILABLE,
        now,
      });
      const timeOff = await scope.timeOff.add(doctor.id, plan.value);
      await scope.outbox.append([
        { type: "TimeOffTaken", doctorId: doctor.id, timeOffId: timeOff.id, from, to },
      ]);
      return ok({ timeOff, cancelledAppointments });
    });
  }
}

/** The sittings of a removed time off take bookings again; what it cancelled stays cancelled. */
export class RemoveTimeOff {
  constructor(private readonly uow: UnitOfWork) {}

  execute(principal: Principal, timeOffId: number): Promise<Result<null>> {
    return this.uow.run(async (scope) => {
      const doctor = await scope.doctors.lockByUserId(principal.userId);
      if (!doctor) return err(doctorProfileMissing);
      const timeOff = await scope.timeOff.findOwned(timeOffId, doctor.id);
      if (!timeOff) return err(timeOffNotFound);
      await scope.timeOff.remove(timeOff.id);
      await scope.outbox.append([
        { type: "TimeOffRemoved", doctorId: doctor.id, timeOffId, from: timeOff.from, to: timeOff.to },
      ]);
      return ok(null);
    });
  }
}
