import type { Slot, SlotPlan } from "../domain/slot/slot.js";

export interface SlotWithDoctor {
  readonly slot: Slot;
  readonly timeZone: string;
  readonly doctorName: string;
  readonly doctorUserId: number;
  /** An unverified (or suspended) doctor's slots cannot be booked or waited for: they answer 404. */
  readonly doctorVerified: boolean;
  /** The first date the slot holds no sitting any more, or null while it is in service. */
  readonly retiredFrom: string | null;
}

export interface SlotRepository {
  /** The doctor's slots in service (not retired), in id order. */
  listByDoctor(doctorId: number): Promise<Slot[]>;
  /** The doctor's slots that still hold a sitting on or after `date` (in service, or retired later), by id. */
  listHoldingSittingsFrom(doctorId: number, date: string): Promise<Slot[]>;
  /**
   * Locks slot `slotId` of doctor `doctorId` against other changes of it (not against bookings, whose
   * appointments only reference it) if it is still in service; null when it is not the doctor's, retired
   * or unknown.
   */
  lockLive(slotId: number, doctorId: number): Promise<Slot | null>;
  /** Writes the slot's number of seats and fee; the rest of a slot never changes. */
  update(slot: Slot): Promise<Slot>;
  insert(doctorId: number, plan: SlotPlan): Promise<Slot>;
  /** The slot with its doctor's time zone, name, account and verification, or null. */
  findWithTimeZone(slotId: number): Promise<SlotWithDoctor | null>;
  /** From `from` on the slot holds no sitting; its time is free for another slot at once. */
  retire(slotId: number, from: string): Promise<void>;
}
