import { changeVerification, type VerificationChange } from "../../../domain/doctor/verification.js";
import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { Clock } from "../../../ports/clock.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";

const doctorNotFound = appError("not_found", "doctor_not_found", "No such doctor.");
const adminsOnly = appError("forbidden", "forbidden", "Only an admin account may do this.");

/**
 * POST /admin/doctors/{id}/verify and /suspend. The events make the search index and the caches follow
 * (a suspended doctor leaves them); on suspension the owners of its live appointments are told, and the
 * appointments stay until someone cancels them.
 */
export class ChangeDoctorVerification {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(
    principal: Principal,
    doctorId: number,
    change: VerificationChange,
  ): Promise<Result<{ doctorId: number }>> {
    if (principal.role !== "admin") return Promise.resolve(err(adminsOnly));
    return this.uow.run(async ({ doctors, appointments, notifications, outbox }) => {
      const doctor = await doctors.lockById(doctorId);
      if (!doctor) return err(doctorNotFound);
      const decided = changeVerification(doctor.id, doctor.verified, change);
      if (decided.events.length === 0) return ok({ doctorId: doctor.id });
      await doctors.setVerified(doctor.id, decided.verified);
      await outbox.append(decided.events);
      if (change === "suspend") {
        for (const a of await appointments.liveOfDoctor(doctor.id, this.clock.now())) {
          await notifications.notify({
            userId: a.ownerUserId,
            kind: "doctor_suspended",
            text:
              `The doctor of appointment ${a.id} (seat ${a.seat} on ${a.date}) is suspended and no longer ` +
              "listed. The appointment stays as it is until it is cancelled.",
            appointmentId: a.id,
          });
        }
      }
      return ok({ doctorId: doctor.id });
    });
  }
}
