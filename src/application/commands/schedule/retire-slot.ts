import { err, ok, type Result } from "../../../domain/shared/result.js";
import { SLOT_RETIRED } from "../../../domain/sitting/sitting-book.js";
import { addDays, localDateOf } from "../../../domain/sitting/zoned-time.js";
import { retirementDate } from "../../../domain/slot/retirement.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { Clock } from "../../../ports/clock.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { slotNotFound } from "../../not-found.js";
import { doctorProfileMissing } from "../doctors/doctor-not-found.js";
import { closeSittings } from "./close-sittings.js";

export interface Retirement {
  readonly slotId: number;
  readonly from: string;
  readonly cancelledAppointments: number;
}

/**
 * A doctor retires a slot from a date (default today in the doctor's zone): its sittings from then on
 * close with "slot retired", their appointments cancelled and waiting entries ended, each owner told;
 * the slot leaves the doctor's profile and search, and its time is free for a new slot. Earlier
 * sittings, and the history of past ones, keep it.
 */
export class RetireSlot {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly horizonDays: number,
  ) {}

  execute(principal: Principal, slotId: number, from: string | undefined): Promise<Result<Retirement>> {
    return this.uow.run(async (scope) => {
      const doctor = await scope.doctors.lockByUserId(principal.userId);
      if (!doctor) return err(doctorProfileMissing);
      const found = await scope.slots.findWithTimeZone(slotId);
      // Another doctor's slot is not found either; a retired one is gone.
      if (!found || found.slot.doctorId !== doctor.id || found.retiredFrom !== null) return err(slotNotFound);
      const now = this.clock.now();
      const today = localDateOf(now, found.timeZone);
      const date = retirementDate(from, today);
      if (!date.ok) return date;
      const cancelledAppointments = await closeSittings(scope, {
        slots: [found.slot],
        timeZone: found.timeZone,
        from: date.value,
        to: addDays(today, this.horizonDays + 1),
        reason: SLOT_RETIRED,
        now,
      });
      await scope.slots.retire(slotId, date.value);
      await scope.outbox.append([{ type: "SlotRetired", doctorId: doctor.id, slotId, from: date.value }]);
      return ok({ slotId, from: date.value, cancelledAppointments });
    });
  }
}
