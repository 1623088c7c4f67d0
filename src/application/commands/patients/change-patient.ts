import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import type { PatientChange, PatientRecord } from "../../../ports/patient.repository.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";

export const patientNotFound = appError("not_found", "patient_not_found", "No such patient.");

const emptyChange = appError("validation", "validation_failed", "The patient change is not valid.", {
  errors: [{ path: "body", message: "give at least one of name, age, gender, symptoms" }],
});

/** A change must name at least one field (the fields themselves are checked as at registration). */
export function checkPatientChange(change: PatientChange): Result<PatientChange> {
  const given = Object.values(change).some((v) => v !== undefined);
  return given ? ok(change) : err(emptyChange);
}

/**
 * PATCH /patient/{id}: the owner corrects a patient's data. Another account's, an unknown or a deleted
 * patient is not found. Nothing derived from a patient is cached, so no event is needed for reads; the
 * outbox still says it changed, for projections to come.
 */
export class ChangePatient {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(ownerUserId: number, patientId: number, edit: PatientChange): Promise<Result<PatientRecord>> {
    const change = checkPatientChange(edit);
    if (!change.ok) return change;
    return this.uow.run(async ({ patients, outbox }) => {
      const patient = await patients.updateOwned(patientId, ownerUserId, change.value);
      if (!patient) return err(patientNotFound);
      await outbox.append([{ type: "PatientChanged", patientId: patient.id, userId: ownerUserId }]);
      return ok(patient);
    });
  }
}
