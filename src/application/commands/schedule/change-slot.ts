import { appError, err, type FieldError, ok, type Result } from "../../../domain/shared/result.js";
import { upcomingSittings } from "../../../domain/sitting/sitting.js";
import { resizeSitting, seatsToOpen } from "../../../domain/sitting/sitting-book.js";
import { localDateOf } from "../../../domain/sitting/zoned-time.js";
import { planSlotChange, type Slot, type SlotChange } from "../../../domain/slot/slot.js";
import type { Clock } from "../../../ports/clock.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { slotNotFound } from "../../not-found.js";
import { doctorProfileMissing } from "../doctors/doctor-not-found.js";
import { recordSittingChange } from "./record-sitting-change.js";

/**
 * PATCH /doctors/slots/{id}: the fee and the number of seats of one of the doctor's slots in service.
 *
 * A new number of seats is written to the slot first, then every sitting that may hold seats (not ended,
 * up to one day past the booking horizon, for a day rolling over) is locked and loaded in date order and
 * resized: `lockAndLoad` reads the capacity after the sitting's lock, so a booking waiting for that lock
 * already sees the new one, and one that held it before has committed its seat, which the resize then
 * sees. A cut below a seat held anywhere is refused whole, naming every such seat; a raise seats the
 * waiting entries at once. Locks: the doctor's row, then the slot's, then the sittings in date order.
 */
export class ChangeSlot {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly horizonDays: number,
  ) {}

  execute(doctorUserId: number, slotId: number, change: SlotChange): Promise<Result<Slot>> {
    return this.uow.run(async (scope) => {
      const { doctors, slots, sittings, outbox } = scope;
      const doctor = await doctors.lockByUserId(doctorUserId);
      if (!doctor) return err(doctorProfileMissing);
      const slot = await slots.lockLive(slotId, doctor.id);
      if (!slot) return err(slotNotFound);
      const planned = planSlotChange(slot, await slots.listByDoctor(doctor.id), change);
      if (!planned.ok) return planned;
      const next = planned.value;
      if (next.numSlots === slot.numSlots && next.consultationFee === slot.consultationFee) return ok(slot);

      const updated = await slots.update(next);
      if (updated.numSlots !== slot.numSlots) {
        const now = this.clock.now();
        const held: FieldError[] = [];
        const window = { from: localDateOf(now, doctor.timeZone), days: this.horizonDays + 2, now };
        for (const { date } of upcomingSittings(updated, doctor.timeZone, window)) {
          const before = await sittings.lockAndLoad(updated, doctor.timeZone, date);
          const ids: number[] = [];
          for (let i = seatsToOpen(before, updated.numSlots); i > 0; i--) {
            ids.push(await sittings.newAppointmentId());
          }
          const decided = resizeSitting(before, updated.numSlots, now, ids);
          if (!decided.ok) {
            held.push(...(decided.error.errors ?? []));
            continue;
          }
          if (held.length === 0) await recordSittingChange(scope, before, decided.value);
        }
        if (held.length > 0) {
          return err(
            appError(
              "conflict",
              "seats_held",
              `Seats above ${updated.numSlots} are held in upcoming sittings; cancel them first or keep more seats.`,
              { errors: held },
            ),
          );
        }
      }
      await outbox.append([{ type: "SlotChanged", doctorId: doctor.id, slotId: updated.id }]);
      return ok(updated);
    });
  }
}
