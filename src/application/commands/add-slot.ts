import { err, ok, type Result } from "../../domain/shared/result.js";
import { planSlot, type Slot, type SlotInput } from "../../domain/slot/slot.js";
import type { UnitOfWork } from "../../ports/unit-of-work.js";
import { doctorProfileMissing } from "./doctor-not-found.js";

export class AddSlot {
  constructor(private readonly uow: UnitOfWork) {}

  execute(doctorUserId: number, input: SlotInput): Promise<Result<Slot>> {
    return this.uow.run(async ({ doctors, slots, outbox }) => {
      const doctor = await doctors.lockByUserId(doctorUserId);
      if (!doctor) return err(doctorProfileMissing);
      const plan = planSlot(await slots.listByDoctor(doctor.id), input);
      if (!plan.ok) return plan;
      const slot = await slots.insert(doctor.id, plan.value);
      await outbox.append([{ type: "SlotAdded", doctorId: doctor.id, slotId: slot.id }]);
      return ok(slot);
    });
  }
}
