import type { TimeOff, TimeOffPlan } from "../domain/doctor/time-off.js";

/** A doctor's time off, written inside the unit of work that closes its sittings. */
export interface TimeOffRepository {
  add(doctorId: number, plan: TimeOffPlan): Promise<TimeOff>;
  /** The time off if it is the doctor's; null otherwise (another doctor's is not found either). */
  findOwned(timeOffId: number, doctorId: number): Promise<TimeOff | null>;
  remove(timeOffId: number): Promise<void>;
}
