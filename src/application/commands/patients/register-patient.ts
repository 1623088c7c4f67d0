import { ok, type Result } from "../../../domain/shared/result.js";
import { DEFAULT_LIMITS, type Limits, roomForOneMore } from "../../../domain/user/limits.js";
import type { PatientInput, PatientRecord } from "../../../ports/patient.repository.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";

/** A patient is a person an account books for: the holder, or a family member. */
export class RegisterPatient {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly limits: Limits = DEFAULT_LIMITS,
  ) {}

  execute(ownerUserId: number, input: PatientInput): Promise<Result<PatientRecord>> {
    return this.uow.run(async ({ patients, outbox, usage }) => {
      // Counted under the account's lock, so concurrent requests cannot pass the limit together.
      await usage.lock(ownerUserId);
      const room = roomForOneMore(this.limits, "patientsPerAccount", await usage.patients(ownerUserId));
      if (!room.ok) return room;
      const patient = await patients.insert(ownerUserId, input);
      await outbox.append([{ type: "PatientRegistered", patientId: patient.id, userId: ownerUserId }]);
      return ok(patient);
    });
  }
}
