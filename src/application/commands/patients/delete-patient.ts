import type { DomainEvent } from "../../../domain/events.js";
import { err, ok, type Result } from "../../../domain/shared/result.js";
import { lockOrder } from "../../../domain/sitting/sitting.js";
import { withdrawPatient } from "../../../domain/sitting/sitting-book.js";
import type { Clock } from "../../../ports/clock.js";
import type { TransactionScope, UnitOfWork } from "../../../ports/unit-of-work.js";
import { recordSittingChange } from "../schedule/record-sitting-change.js";
import { patientNotFound } from "./change-patient.js";

/**
 * Erases one patient of `ownerUserId` inside the caller's transaction, which must hold the account's
 * lock (`usage.lock`: no booking or waiting of its patients meanwhile). Each sitting where the patient
 * holds a booked seat or waits is locked once, in (slot id, date) order, then its seat's row: its entry
 * ends and its seat is cancelled by the patient and handed to the first one waiting, as a cancel does,
 * every owner told; a sitting that has started keeps its seat (it is taking place). Then its name and
 * symptoms are erased and it is deleted; its past visits stay, anonymised, so doctors' counts and
 * ratings do not change. Returns how many appointments were cancelled.
 */
export async function erasePatient(
  scope: TransactionScope,
  patient: { readonly id: number; readonly ownerUserId: number },
  now: Date,
): Promise<Result<{ cancelledAppointments: number }>> {
  const { patients, sittings, slots, appointments, outbox } = scope;
  const places = [...(await sittings.placesOfPatient(patient.id, now))].sort(lockOrder);
  let cancelledAppointments = 0;
  for (const place of places) {
    const found = await slots.findWithTimeZone(place.slotId);
    if (!found) continue;
    const before = await sittings.lockAndLoad(found.slot, found.timeZone, place.date);
    const held = before.seats.filter((s) => s.patientId === patient.id && s.status === "booked");
    for (const seat of held) await appointments.findForUpdate(seat.appointmentId);
    const handOverId = held.length > 0 ? await sittings.newAppointmentId() : 0;
    const decided = withdrawPatient(before, patient, now, handOverId);
    if (!decided.ok) return decided;
    if (decided.value.events.length === 0) continue;
    await recordSittingChange(scope, before, decided.value);
    cancelledAppointments += decided.value.events.filter(
      (e: DomainEvent) => e.type === "AppointmentCancelled",
    ).length;
  }
  await patients.erase(patient.id);
  await outbox.append([{ type: "PatientDeleted", patientId: patient.id, userId: patient.ownerUserId }]);
  return ok({ cancelledAppointments });
}

/** DELETE /patient/{id}: the owner erases one of its patients, in one transaction (see `erasePatient`). */
export class DeletePatient {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(ownerUserId: number, patientId: number): Promise<Result<{ cancelledAppointments: number }>> {
    return this.uow.run(async (scope) => {
      // The account's lock first, then the sittings' (in erasePatient), as every command takes them.
      await scope.usage.lock(ownerUserId);
      const patient = await scope.patients.findOwned(patientId, ownerUserId);
      if (!patient) return err(patientNotFound);
      return erasePatient(scope, { id: patient.id, ownerUserId }, this.clock.now());
    });
  }
}
