import { checkRating } from "../../../domain/appointment/visit.js";
import { err, ok, type Result } from "../../../domain/shared/result.js";
import { notOwnSlot } from "../../../domain/user/ownership.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { StoredRating } from "../../../ports/rating.repository.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { appointmentNotFound } from "../../not-found.js";

/** The account that booked a fulfilled visit rates it once; the doctor's rating follows through the outbox. */
export class RateAppointment {
  constructor(private readonly uow: UnitOfWork) {}

  execute(
    principal: Principal,
    appointmentId: number,
    input: { rating: number; review: string | null },
  ): Promise<Result<StoredRating>> {
    return this.uow.run(async ({ appointments, ratings, outbox }) => {
      const appointment = await appointments.findForUpdate(appointmentId);
      if (!appointment || appointment.ownerUserId !== principal.userId) return err(appointmentNotFound);
      // A doctor's account may own patients: it still never rates its own visits.
      const own = notOwnSlot(principal, appointment.doctorUserId);
      if (!own.ok) return own;
      const allowed = checkRating(appointment.status, await ratings.existsFor(appointment.id));
      if (!allowed.ok) return allowed;
      const stored = await ratings.add({
        appointmentId: appointment.id,
        doctorId: appointment.doctorId,
        rating: input.rating,
        review: input.review,
      });
      await outbox.append([
        {
          type: "AppointmentRated",
          doctorId: appointment.doctorId,
          appointmentId: appointment.id,
          rating: input.rating,
        },
      ]);
      return ok(stored);
    });
  }
}
