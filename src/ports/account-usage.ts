/**
 * What an account holds, counted for the caps (domain/user/limits.ts), inside a unit of work. `lock`
 * serializes an account's capped changes until the transaction ends, so that counting and adding is one
 * step even under concurrent requests. It is taken before any sitting's lock, never after one.
 */
export interface AccountUsage {
  lock(userId: number): Promise<void>;
  /** The account's patients that are not deleted. */
  patients(userId: number): Promise<number>;
  /** Booked or arrived appointments of the account's patients whose sitting has not ended at `now`. */
  liveAppointments(userId: number, now: Date): Promise<number>;
  /** Waiting entries of the account's patients for sittings that have not ended at `now`. */
  waitingEntries(userId: number, now: Date): Promise<number>;
}
