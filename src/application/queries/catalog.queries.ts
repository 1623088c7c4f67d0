import type { CatalogRepository } from "../../ports/catalog.repository.js";
import type { ImageUrls } from "../../ports/image-urls.js";

export interface SpecializationView {
  readonly id: number;
  readonly name: string;
  readonly image: string;
}

export class CatalogQueries {
  constructor(
    private readonly catalog: CatalogRepository,
    private readonly urls: ImageUrls,
  ) {}

  async qualifications(): Promise<{ data: { id: number; name: string }[] }> {
    const rows = await this.catalog.listQualifications();
    return { data: rows.map(({ id, name }) => ({ id, name })) };
  }

  async specializations(): Promise<{ data: SpecializationView[] }> {
    const rows = await this.catalog.listSpecializations();
    return {
      data: rows.map((s) => ({ id: s.id, name: s.name, image: this.urls.specializationImage(s.imageKey) })),
    };
  }
}

export const CATALOG_QUERIES = Symbol.for("doctorly.CatalogQueries");
