import { cancelAppointment } from "../../domain/appointment/appointment.js";
import { appError, err, ok, type Result } from "../../domain/shared/result.js";
import { sittingOf } from "../../domain/sitting/sitting.js";
import type { Principal } from "../../domain/user/principal.js";
import type { Clock } from "../../ports/clock.js";
import type { UnitOfWork } from "../../ports/unit-of-work.js";
import { handOverFreeSeats } from "./hand-over-seat.js";

const notFound = appError("not_found", "appointment_not_found", "No such appointment.");

/** Only the account that owns the patient may cancel, and only before the sitting starts. */
export class CancelAppointment {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(principal: Principal, appointmentId: number): Promise<Result<{ appointmentId: number }>> {
    return this.uow.run(async (scope) => {
      const { appointments, slots, outbox, notifications } = scope;
      const appointment = await appointments.findForUpdate(appointmentId);
      if (!appointment || appointment.ownerUserId !== principal.userId) return err(notFound);
      const found = await slots.findWithTimeZone(appointment.slotId);
      if (!found) return err(notFound);

      const sitting = sittingOf(found.slot, appointment.date, found.timeZone);
      const cancelled = cancelAppointment(appointment.status, sitting, this.clock.now());
      if (!cancelled.ok) return cancelled;

      // The appointment row is locked first, then the sitting: bookings take only the sitting's lock,
      // so the two orders can never deadlock.
      await appointments.lockSitting(appointment.slotId, appointment.date);
      await appointments.setStatus(appointment.id, cancelled.value);
      const { id, doctorId, slotId, date, seat, patientId } = appointment;
      await outbox.append([
        { type: "AppointmentCancelled", appointmentId: id, doctorId, slotId, date, seat, patientId },
      ]);
      await notifications.notify({
        userId: appointment.ownerUserId,
        kind: "cancelled",
        text: `Appointment ${id} (seat ${seat} on ${date}) is cancelled.`,
        appointmentId: id,
      });
      await handOverFreeSeats(scope, found.slot, date);
      return ok({ appointmentId: id });
    });
  }
}
