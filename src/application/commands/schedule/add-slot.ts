import { err, ok, type Result } from "../../../domain/shared/result.js";
import { planSlot, type Slot, type SlotInput } from "../../../domain/slot/slot.js";
import { DEFAULT_LIMITS, type Limits, roomForOneMore } from "../../../domain/user/limits.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { doctorProfileMissing } from "../doctors/doctor-not-found.js";

export class AddSlot {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly limits: Limits = DEFAULT_LIMITS,
  ) {}

  execute(doctorUserId: number, input: SlotInput): Promise<Result<Slot>> {
    return this.uow.run(async ({ doctors, slots, outbox }) => {
      // The doctor's row lock makes counting and adding one step for concurrent requests.
      const doctor = await doctors.lockByUserId(doctorUserId);
      if (!doctor) return err(doctorProfileMissing);
      const existing = await slots.listByDoctor(doctor.id);
      const plan = planSlot(existing, input);
      if (!plan.ok) return plan;
      const room = roomForOneMore(this.limits, "slotsPerDoctor", existing.length);
      if (!room.ok) return room;
      const slot = await slots.insert(doctor.id, plan.value);
      await outbox.append([{ type: "SlotAdded", doctorId: doctor.id, slotId: slot.id }]);
      return ok(slot);
    });
  }
}
