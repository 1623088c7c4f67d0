/**
 * Waiting entries written one by one. Commands change the waitlist through SittingBookRepository; these
 * remain for fixtures that build a scene row by row (tests/integration/booking/account-usage).
 */
export interface WaitlistRepository {
  add(entry: { slotId: number; date: string; patientId: number }): Promise<{ id: number }>;
  markLeft(entryId: number): Promise<void>;
}
