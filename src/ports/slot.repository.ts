import type { Slot, SlotPlan } from "../domain/slot/slot.js";

export interface SlotRepository {
  listByDoctor(doctorId: number): Promise<Slot[]>;
  insert(doctorId: number, plan: SlotPlan): Promise<Slot>;
  /** The slot with its doctor's time zone and name, or null. */
  findWithTimeZone(slotId: number): Promise<{ slot: Slot; timeZone: string; doctorName: string } | null>;
}
