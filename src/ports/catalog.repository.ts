export interface Qualification {
  readonly id: number;
  readonly name: string;
}

export interface Specialization {
  readonly id: number;
  readonly name: string;
  /** Media key of an uploaded picture, or null for the shipped default. */
  readonly imageKey: string | null;
}

export interface CatalogRepository {
  listQualifications(): Promise<readonly Qualification[]>;
  listSpecializations(): Promise<readonly Specialization[]>;
}

export const CATALOG_REPOSITORY = Symbol.for("doctorly.CatalogRepository");
