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
  /** The doctor's slots still in service (not retired), by id. */
  listLiveByDoctor(doctorId: number): Promise<Slot[]>;
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
}
