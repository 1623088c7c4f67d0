import { ok, type Result } from "../../domain/shared/result.js";
import type { PatientInput, PatientRecord } from "../../ports/patient.repository.js";
import type { UnitOfWork } from "../../ports/unit-of-work.js";

/** A patient is a person an account books for: the holder, or a family member. */
export class RegisterPatient {
  constructor(private readonly uow: UnitOfWork) {}

  execute(ownerUserId: number, input: PatientInput): Promise<Result<PatientRecord>> {
    return this.uow.run(async ({ patients, outbox }) => {
      const patient = await patients.insert(ownerUserId, input);
      await outbox.append([{ type: "PatientRegistered", patientId: patient.id, userId: ownerUserId }]);
      return ok(patient);
    });
  }
}
