import type { DomainEvent } from "../../domain/events.js";
import { err, ok, type Result } from "../../domain/shared/result.js";
import { withdrawPatient } from "../../domain/sitting/sitting-book.js";
import type { Clock } from "../../ports/clock.js";
import type { UnitOfWork } from "../../ports/unit-of-work.js";
import { patientNotFound } from "./change-patient.js";
import { recordSittingChange } from "./record-sitting-change.js";

/**
 * DELETE /patient/{id}: the owner erases a patient, in one transaction. Under the account's lock (no
 * booking or waiting of its patients meanwhile), each sitting where the patient holds a booked seat or
 * waits is locked in (slot id, date) order, then the seat's row: its entry ends and its seat is cancelled
 * by the patient and handed on, as a cancel does, every owner told. Then its name and symptoms are erased
 * and it is deleted; its past visits stay (anonymised), so doctors' counts and ratings do not change.
 */
export class DeletePatient {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute(ownerUserId: number, patientId: number): Promise<Result<{ cancelledAppointments: number }>> {
    return this.uow.run(async (scope) => {
      const { usage, patients, sittings, slots, appointments, outbox } = scope;
      await usage.lock(ownerUserId);
      const patient = await patients.findOwned(patientId, ownerUserId);
      if (!patient) return err(patientNotFound);
      const now = this.clock.now();
      const places = [...(await sittings.placesOfPatient(patient.id, now))].sort(
        (a, b) => a.slotId - b.slotId || (a.date < b.date ? -1 : a.date > b.date ? 1 : 0),
      );
      let cancelledAppointments = 0;
      for (const place of places) {
        const found = await slots.findWithTimeZone(place.slotId);
        if (!found) continue;
        const before = await sittings.lockAndLoad(found.slot, found.timeZone, place.date);
        const held = before.seats.filter((s) => s.patientId === patient.id && s.status === "booked");
        for (const seat of held) await appointments.findForUpdate(seat.appointmentId);
        const handOverId = held.length > 0 ? await sittings.newAppointmentId() : 0;
        const decided = withdrawPatient(before, { id: patient.id, ownerUserId }, now, handOverId);
        if (!decided.ok) return decided;
        if (decided.value.events.length === 0) continue;
        await recordSittingChange(scope, before, decided.value);
        cancelledAppointments += decided.value.events.filter(
          (e: DomainEvent) => e.type === "AppointmentCancelled",
        ).length;
      }
      await patients.erase(patient.id);
      await outbox.append([{ type: "PatientDeleted", patientId: patient.id, userId: ownerUserId }]);
      return ok({ cancelledAppointments });
    });
  }
}
