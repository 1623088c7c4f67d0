import type { Slot, SlotPlan } from "../domain/slot/slot.js";

export interface SlotWithDoctor {
  readonly slot: Slot;
  readonly timeZone: string;
  readonly doctorName: string;
  readonly doctorUserId: number;
  /** An unverified (or suspended) doctor's slots cannot be booked or waited for: they answer 404. */
  readonly doctorVerified: boolean;
}

export interface SlotRepository {
  listByDoctor(doctorId: number): Promise<Slot[]>;
  insert(doctorId: number, plan: SlotPlan): Promise<Slot>;
  /** The slot with its doctor's time zone, name, account and verification, or null. */
  findWithTimeZone(slotId: number): Promise<SlotWithDoctor | null>;
}
