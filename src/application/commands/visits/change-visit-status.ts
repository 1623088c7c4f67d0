import { changeVisitStatus, type VisitStatus } from "../../../domain/appointment/appointment.js";
import { err, ok, type Result } from "../../../domain/shared/result.js";
import { sittingOf } from "../../../domain/sitting/sitting.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { Clock } from "../../../ports/clock.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { appointmentNotFound } from "../../not-found.js";

/** The doctor of an appointment records the visit: arrived, fulfilled or no-show (the domain decides). */
export class ChangeVisitStatus {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(
    principal: Principal,
    appointmentId: number,
    to: VisitStatus,
  ): Promise<Result<{ appointmentId: number }>> {
    return this.uow.run(async ({ appointments, slots, outbox }) => {
      const appointment = await appointments.findForUpdate(appointmentId);
      if (!appointment || appointment.doctorUserId !== principal.userId) return err(appointmentNotFound);
      const found = await slots.findWithTimeZone(appointment.slotId);
      if (!found) return err(appointmentNotFound);
      const sitting = sittingOf(found.slot, appointment.date, found.timeZone);
      const next = changeVisitStatus(appointment.status, to, sitting, this.clock.now());
      if (!next.ok) return next;
      await appointments.setStatus(appointment.id, next.value);
      const { id, doctorId, slotId, date, seat, patientId } = appointment;
      await outbox.append([
        {
          type: "AppointmentStatusChanged",
          status: next.value,
          appointmentId: id,
          doctorId,
          slotId,
          date,
          seat,
          patientId,
        },
      ]);
      return ok({ appointmentId: id });
    });
  }
}
