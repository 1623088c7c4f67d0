import type { CatalogRepository } from "../../../ports/catalog.repository.js";
import type { ImageUrls } from "../../../ports/image-urls.js";
import { doctorCacheKeys } from "../../cache/doctor-cache-keys.js";
import type { ReadCache } from "../read-cache.js";

export interface SpecializationView {
  readonly id: number;
  readonly name: string;
  readonly image: string;
}

export class CatalogQueries {
  constructor(
    private readonly catalog: CatalogRepository,
    private readonly urls: ImageUrls,
    private readonly cache: ReadCache,
  ) {}

  qualifications(): Promise<{ data: { id: number; name: string }[] }> {
    return this.cache.through(doctorCacheKeys.qualifications, async () => {
      const rows = await this.catalog.listQualifications();
      return { data: rows.map(({ id, name }) => ({ id, name })) };
    });
  }

  specializations(): Promise<{ data: SpecializationView[] }> {
    return this.cache.through(doctorCacheKeys.specializations, async () => {
      const rows = await this.catalog.listSpecializations();
      return {
        data: rows.map((s) => ({ id: s.id, name: s.name, image: this.urls.specializationImage(s.imageKey) })),
      };
    });
  }
}
