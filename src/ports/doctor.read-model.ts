import type { TimeOff } from "../domain/doctor/time-off.js";
import type { Slot } from "../domain/slot/slot.js";

/** Everything public about a doctor, as stored; the query layer turns it into the API's Doctor. */
export interface DoctorRow {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly imageKey: string | null;
  readonly timeZone: string;
  readonly verified: boolean;
  readonly earliestProcurement: string | null;
  readonly rating: number | null;
  readonly ratingCount: number;
  readonly noOfPatients: number;
  readonly specializations: readonly { id: number; name: string; imageKey: string | null }[];
  readonly qualifications: readonly { name: string; procurementYear: string; instituteName: string }[];
  /** The slots in service (not retired). */
  readonly slots: readonly Slot[];
}

export interface SittingCount {
  readonly slotId: number;
  readonly date: string;
  readonly booked: number;
}

/** What closes a doctor's sittings between two dates, beside the slots in service. */
export interface Closures {
  /** Time offs overlapping the dates. */
  readonly timeOff: readonly TimeOff[];
  /** Slots retired after the first date: their sittings before `retiredFrom` still take place. */
  readonly retiredSlots: readonly { readonly slot: Slot; readonly retiredFrom: string }[];
}

/**
 * Patients see verified doctors only: every read here answers verified doctors alone unless it says
 * otherwise (`includeUnverified`, for the doctor's own profile and for admins).
 */
export interface DoctorReadModel {
  /** The doctors with these ids that exist (and are verified, unless asked otherwise), in the order of `ids`. */
  findByIds(ids: readonly number[], options?: { includeUnverified?: boolean }): Promise<DoctorRow[]>;
  listIds(offset: number, limit: number): Promise<{ ids: number[]; total: number }>;
  /** Any doctor, verified or not as asked (undefined: all), in id order: the admin's list. */
  listIdsByVerification(
    verified: boolean | undefined,
    offset: number,
    limit: number,
  ): Promise<{ ids: number[]; total: number }>;
  /** Up to `limit` doctor ids greater than `afterId`, ascending (keyset pagination for full scans). */
  idsAfter(afterId: number, limit: number): Promise<number[]>;
  count(): Promise<number>;
  idsWithSpecialization(specializationId: number): Promise<number[]>;
  /** The doctor profile of an account, verified or not. */
  doctorIdOfUser(userId: number): Promise<number | null>;
  /** Ranked by non-cancelled bookings made since `since`, then rating, then id. */
  popularIds(since: Date, limit: number): Promise<number[]>;
  /** Non-cancelled appointments per sitting of the doctor's slots between two dates (inclusive). */
  sittingCounts(doctorId: number, from: string, to: string): Promise<SittingCount[]>;
  closuresBetween(doctorId: number, from: string, to: string): Promise<Closures>;
  /** The doctor's time offs that end on or after `date`, earliest first. */
  timeOffFrom(doctorId: number, date: string): Promise<TimeOff[]>;
}

export const DOCTOR_READ_MODEL = Symbol.for("doctorly.DoctorReadModel");
