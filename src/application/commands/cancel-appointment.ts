import { appError, err, ok, type Result } from "../../domain/shared/result.js";
import { cancelSeat } from "../../domain/sitting/sitting-book.js";
import type { Principal } from "../../domain/user/principal.js";
import type { Clock } from "../../ports/clock.js";
import type { UnitOfWork } from "../../ports/unit-of-work.js";
import { recordSittingChange } from "./record-sitting-change.js";

const notFound = appError("not_found", "appointment_not_found", "No such appointment.");

/**
 * Only the account that owns the patient may cancel, and only before the sitting starts; the freed
 * seat goes to the first one waiting.
 */
export class CancelAppointment {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(principal: Principal, appointmentId: number): Promise<Result<{ appointmentId: number }>> {
    return this.uow.run(async (scope) => {
      const { appointments, slots, sittings } = scope;
      const appointment = await appointments.findForUpdate(appointmentId);
      if (!appointment || appointment.ownerUserId !== principal.userId) return err(notFound);
      const found = await slots.findWithTimeZone(appointment.slotId);
      if (!found) return err(notFound);

      // The appointment row is locked first, then the sitting: bookings take only the sitting's lock,
      // so the two orders can never deadlock.
      const before = await sittings.lockAndLoad(found.slot, found.timeZone, appointment.date);
      const decided = cancelSeat(before, appointment.id, this.clock.now(), await sittings.newAppointmentId());
      if (!decided.ok) return decided;
      await recordSittingChange(scope, before, decided.value);
      return ok({ appointmentId: appointment.id });
    });
  }
}
