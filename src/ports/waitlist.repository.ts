export interface WaitingEntry {
  readonly id: number;
  readonly patientId: number;
  readonly ownerUserId: number;
}

export interface WaitlistRepository {
  add(entry: { slotId: number; date: string; patientId: number }): Promise<{ id: number }>;
  /** 1-based place among the entries still waiting for that sitting. */
  position(entryId: number): Promise<number>;
  /** Entries still waiting for a sitting, in the order they joined. */
  waiting(slotId: number, date: string): Promise<WaitingEntry[]>;
  markBooked(entryId: number, appointmentId: number): Promise<void>;
  /** Locks the entry; null when missing. */
  findForUpdate(
    entryId: number,
  ): Promise<(WaitingEntry & { slotId: number; date: string; status: "waiting" | "booked" | "left" }) | null>;
  markLeft(entryId: number): Promise<void>;
}
