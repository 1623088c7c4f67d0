import type { Weekday } from "../domain/slot/weekday.js";

/** The API's Slot shape (`start`/`end` as HH:MM in the doctor's zone; a sitting ending at midnight ends "24:00"). */
export interface PublicSlot {
  readonly id: number;
  readonly doctor_id: number;
  readonly day: Weekday;
  readonly start: string;
  readonly end: string;
  readonly appointment_duration: number;
  readonly num_slots: number;
  readonly consultation_fee: number;
}

/** The API's Doctor shape: public fields only, never an email, password hash or token. */
export interface PublicDoctor {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly image: string;
  readonly timezone: string;
  readonly experience: number;
  readonly rating: number | null;
  readonly rating_count: number;
  readonly no_of_patients: number;
  readonly specializations: readonly { readonly id: number; readonly name: string; readonly image: string }[];
  readonly qualifications: readonly {
    readonly name: string;
    readonly procurement_year: string;
    readonly institute_name: string;
  }[];
  readonly slots: readonly PublicSlot[];
}

/** What the search index holds for one doctor: the fields it filters and sorts on, plus the Doctor it answers with. */
export interface DoctorDocument {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  readonly experience: number;
  readonly rating: number | null;
  readonly rating_count: number;
  readonly no_of_patients: number;
  /** Catalog names (lower case). */
  readonly specializations: readonly string[];
  readonly qualifications: readonly string[];
  /** Weekdays on which the doctor has at least one slot. */
  readonly days: readonly Weekday[];
  /** The lowest consultation fee of the doctor's slots, or null without slots. */
  readonly min_fee: number | null;
  /** Stored as is (not indexed) so that a search hit renders without a trip to Postgres. */
  readonly doctor: PublicDoctor;
}

/** Derives the indexed fields from the public Doctor, so the two can never disagree. */
export function doctorDocumentOf(doctor: PublicDoctor): DoctorDocument {
  const fees = doctor.slots.map((s) => s.consultation_fee);
  return {
    id: doctor.id,
    name: doctor.name,
    description: doctor.description,
    experience: doctor.experience,
    rating: doctor.rating,
    rating_count: doctor.rating_count,
    no_of_patients: doctor.no_of_patients,
    specializations: doctor.specializations.map((s) => s.name),
    qualifications: doctor.qualifications.map((q) => q.name),
    days: [...new Set(doctor.slots.map((s) => s.day))],
    min_fee: fees.length === 0 ? null : Math.min(...fees),
    doctor,
  };
}

export type DoctorSort = "relevance" | "rating" | "experience" | "fee";

/**
 * A search over the doctor index; every present filter must hold (AND). Text is client text, taken
 * literally: punctuation and query-syntax characters never act as syntax.
 */
export interface DoctorSearchQuery {
  /** Free text over name and description: word prefixes, small typos, vowel-tolerant name prefixes. */
  readonly text?: string;
  /** Word prefixes of the name only (`ays` finds Ayesha). */
  readonly namePrefix?: string;
  readonly specialization?: string;
  readonly qualification?: string;
  readonly day?: string;
  readonly minRating?: number;
  readonly maxFee?: number;
  /** rating and experience sort high to low, fee low to high (doctors without slots last). */
  readonly sort: DoctorSort;
  /** 1-based. */
  readonly page: number;
  readonly perPage: number;
}

export interface DoctorSearchPage {
  readonly total: number;
  /** Each hit's Doctor as the JSON text stored in the index: answered as is, never parsed on the hot path. */
  readonly doctorsJson: readonly string[];
}

/** Thrown when the search backend does not answer; the HTTP layer turns it into 503. */
export class SearchUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SearchUnavailableError";
  }
}

/**
 * Thrown when the search backend refuses a query (a query error, or one cut by the search timeout
 * under a "fail" policy): the client's request, not the service, is at fault, so the HTTP layer says 400.
 */
export class SearchQueryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SearchQueryError";
  }
}

export interface RebuildOutcome {
  readonly indexed: number;
  /** The physical index now serving searches. */
  readonly index: string;
}

/** The RediSearch projection of doctors. Redis holds nothing here that `rebuild` cannot recreate from Postgres. */
export interface DoctorSearchIndex {
  /** Creates the index when missing; `created` tells the caller that it is empty and needs a rebuild. */
  ensureIndex(): Promise<{ created: boolean }>;
  upsert(document: DoctorDocument): Promise<void>;
  remove(doctorId: number): Promise<void>;
  search(query: DoctorSearchQuery): Promise<DoctorSearchPage>;
  /** Fills a fresh index from `documents`, then swaps it in for searches and drops the previous one. */
  rebuild(
    documents: AsyncIterable<DoctorDocument>,
    onProgress?: (indexed: number) => void,
  ): Promise<RebuildOutcome>;
}

export const DOCTOR_SEARCH_INDEX = Symbol.for("doctorly.DoctorSearchIndex");

/** Recomputes doctor documents from the source of truth. */
export interface DoctorDocumentSource {
  load(doctorId: number): Promise<DoctorDocument | null>;
  /** The documents of those of `doctorIds` that exist, in one read. */
  loadMany(doctorIds: readonly number[]): Promise<DoctorDocument[]>;
  /** Doctors whose documents embed this specialization (its name and picture). */
  doctorIdsWithSpecialization(specializationId: number): Promise<number[]>;
  loadAll(): AsyncIterable<DoctorDocument>;
  count(): Promise<number>;
}

export const DOCTOR_DOCUMENT_SOURCE = Symbol.for("doctorly.DoctorDocumentSource");
