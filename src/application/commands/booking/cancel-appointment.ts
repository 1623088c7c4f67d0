import { err, ok, type Result } from "../../../domain/shared/result.js";
import { type CancelRequest, cancelSeat } from "../../../domain/sitting/sitting-book.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { AppointmentRecord } from "../../../ports/appointment.repository.js";
import type { Clock } from "../../../ports/clock.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { appointmentNotFound } from "../../not-found.js";
import { recordSittingChange } from "../schedule/record-sitting-change.js";

/**
 * One appointment cancelled under its sitting's lock, by whoever `mayCancel` lets; the freed seat goes
 * to the first one waiting. The sitting is locked first, then the appointment's row (against a visit's
 * status changing at the same moment): the order in which closing a sitting takes them, so the two can
 * never deadlock.
 */
async function cancelOne(
  uow: UnitOfWork,
  clock: Clock,
  appointmentId: number,
  mayCancel: (appointment: AppointmentRecord) => boolean,
  request: CancelRequest,
): Promise<Result<{ appointmentId: number }>> {
  return uow.run(async (scope) => {
    const { appointments, slots, sittings } = scope;
    const appointment = await appointments.find(appointmentId);
    if (!appointment || !mayCancel(appointment)) return err(appointmentNotFound);
    const found = await slots.findWithTimeZone(appointment.slotId);
    if (!found) return err(appointmentNotFound);

    const before = await sittings.lockAndLoad(found.slot, found.timeZone, appointment.date);
    await appointments.findForUpdate(appointment.id);
    const decided = cancelSeat(before, request, clock.now(), await sittings.newAppointmentId());
    if (!decided.ok) return decided;
    await recordSittingChange(scope, before, decided.value);
    return ok({ appointmentId: appointment.id });
  });
}

/** Only the account that owns the patient may cancel, and only before the sitting starts. */
export class CancelAppointment {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(principal: Principal, appointmentId: number): Promise<Result<{ appointmentId: number }>> {
    return cancelOne(this.uow, this.clock, appointmentId, (a) => a.ownerUserId === principal.userId, {
      appointmentId,
      by: "patient",
    });
  }
}

/**
 * The doctor of an appointment cancels it with a reason (the patient's account is told): only a booked
 * one, and only before its sitting ends.
 */
export class CancelAppointmentByDoctor {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(
    principal: Principal,
    appointmentId: number,
    reason: string,
  ): Promise<Result<{ appointmentId: number }>> {
    return cancelOne(this.uow, this.clock, appointmentId, (a) => a.doctorUserId === principal.userId, {
      appointmentId,
      by: "doctor",
      reason,
    });
  }
}
