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
  /** Ids of the given (normalised) names; names not in the catalog are absent from the map. */
  specializationIdsByName(names: readonly string[]): Promise<ReadonlyMap<string, number>>;
  qualificationIdsByName(names: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

export const CATALOG_REPOSITORY = Symbol.for("doctorly.CatalogRepository");
